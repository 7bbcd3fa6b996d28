import type { ProtoGrpcType } from './generated/customers';
import type { CustomersServiceDefinition } from './generated/openretail/customers/v1/CustomersService';
import type { SegmentsServiceDefinition } from './generated/openretail/customers/v1/SegmentsService';
import { loadProto } from './proto';

export type * from './customers-v1-types';
export {
  addressFromProto,
  addressToProto,
  companyFromProto,
  companyToProto,
  contactFromProto,
  contactToProto,
  corporateCustomerFromProto,
  corporateCustomerToProto,
  customerFromProto,
  customerToProto,
  noteFromProto,
  noteToProto,
} from './customers-v1-json';
export type { CustomersServiceDefinition } from './generated/openretail/customers/v1/CustomersService';
export type { SegmentsServiceDefinition } from './generated/openretail/customers/v1/SegmentsService';

export const PROTO_FILE = 'openretail/customers/v1/customers.proto';

type Package = ProtoGrpcType['openretail']['customers']['v1'];
let cached: Package | undefined;

/** openretail.customers.v1 loaded once: CustomersService (client constructor with `.service`) and message types. */
export function load(): Package {
  cached ??= loadProto<ProtoGrpcType>([PROTO_FILE]).openretail.customers.v1;
  return cached;
}

/** The CustomersService definition, for createGrpcServer and createGrpcClient. */
export function customersService(): CustomersServiceDefinition {
  return load().CustomersService.service;
}

/** The SegmentsService definition (dynamic segments and their members). */
export function segmentsService(): SegmentsServiceDefinition {
  return load().SegmentsService.service;
}
