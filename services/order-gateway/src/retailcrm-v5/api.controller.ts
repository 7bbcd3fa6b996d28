import { Get } from '@nestjs/common';
import { CurrentPrincipal, type Permission, type Principal } from '../access';
import { CompatController } from './wire/compat-controller';
import { ReferenceSnapshot } from './wire/reference-snapshot';

/** RetailCRM scopes by the permissions that grant them. */
const SCOPES: Record<Permission, string[]> = {
  'orders:read': ['order_read'],
  'orders:write': ['order_write'],
  'orders:status': [],
  'orders:payments': ['payments_write'],
  'payments:mark-paid': [],
  'reference-data:read': ['reference_read', 'custom_fields_read'],
  'reference-data:write': ['reference_write', 'custom_fields_write'],
  'customers:read': ['customer_read'],
  'customers:write': ['customer_write'],
  // customers/combine needs it beside customers:write; RetailCRM's customer_write covers both.
  'customers:merge': [],
  // RetailCRM segments are read with customer_read, which this layer does not serve yet.
  'segments:read': [],
  'segments:write': [],
  'access:admin': ['user_read'],
  'act-as-user': [],
};

/** The API versions this installation speaks. */
export const API_VERSIONS = ['5.0'];

/** `/api/api-versions` and `/api/credentials`: what any valid key may ask before it starts. */
@CompatController('')
export class CrmApiController {
  constructor(private readonly reference: ReferenceSnapshot) {}

  @Get('api-versions')
  versions() {
    return { success: true, versions: API_VERSIONS };
  }

  /** The key's scopes and the sites it reaches. */
  @Get('credentials')
  async credentials(@CurrentPrincipal() principal: Principal) {
    const scopes = [...new Set([...principal.permissions].flatMap((p) => SCOPES[p] ?? []))];
    const sites = (await this.reference.get()).data.sites.map((s) => s.code);
    return {
      success: true,
      scopes,
      siteAccess: principal.sites === 'all' ? 'access_full' : 'access_selective',
      sitesAvailable: principal.sites === 'all' ? sites : sites.filter((s) => principal.sites.includes(s)),
    };
  }
}
