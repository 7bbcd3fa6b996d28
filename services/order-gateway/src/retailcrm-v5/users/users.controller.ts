import { Get, Param, Query } from '@nestjs/common';
import { RequirePermission } from '../../access';
import { UsersService, type UserView } from '../../access/users/users.service';
import { CompatController } from '../wire/compat-controller';
import { CompatError } from '../wire/errors';
import { listParam, pageParams, pagination, paramsFromQuery, stringParam, type Params } from '../wire/params';
import { ReferenceSnapshot } from '../wire/reference-snapshot';
import { userGroupToCrm, userToCrm } from './users-mapping';

/** How many users a page of the management list holds while all are read. */
const READ_BATCH = 500;

/**
 * RetailCRM API v5 users and user groups (read only): the gateway's users, who act through the API,
 * and the user groups of the reference data. Reading users is an administrator's right here.
 */
@CompatController('v5')
export class CrmUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly reference: ReferenceSnapshot,
  ) {}

  /** GET /api/v5/users: filter[email], filter[active] (1/0), filter[groups][]; limit and page. */
  @Get('users')
  @RequirePermission('access:admin')
  async list(@Query() raw: unknown) {
    const params = paramsFromQuery(raw);
    const page = pageParams(params);
    const filter = (params.filter && typeof params.filter === 'object' ? params.filter : {}) as Params;
    const email = stringParam(filter, 'email')?.toLowerCase();
    const active = stringParam(filter, 'active');
    const groups = listParam(filter, 'groups') ?? [];
    const matching = (await this.all()).filter(
      (u) =>
        (!email || u.email?.toLowerCase() === email) &&
        (active === undefined || u.active === (active === '1' || active === 'true')) &&
        (groups.length === 0 || u.groups.some((g) => groups.includes(g))),
    );
    const ref = await this.reference.get();
    const start = (page.page - 1) * page.limit;
    return {
      success: true,
      pagination: pagination(page, matching.length),
      users: matching
        .slice(start, start + page.limit)
        .map((u) => userToCrm(u, ref.data.userGroups, ref.timeZone)),
    };
  }

  @Get('users/:id')
  @RequirePermission('access:admin')
  async get(@Param('id') id: string) {
    const user = (await this.all()).find((u) => u.id === id);
    if (!user) throw CompatError.notFound();
    const ref = await this.reference.get();
    return { success: true, user: userToCrm(user, ref.data.userGroups, ref.timeZone) };
  }

  @Get('user-groups')
  @RequirePermission('reference-data:read')
  async groups(@Query() raw: unknown) {
    const page = pageParams(paramsFromQuery(raw));
    const { data } = await this.reference.get();
    const start = (page.page - 1) * page.limit;
    return {
      success: true,
      pagination: pagination(page, data.userGroups.length),
      groups: data.userGroups.slice(start, start + page.limit).map(userGroupToCrm),
    };
  }

  /** Every user, oldest first (an installation has a staff's worth of them). */
  private async all(): Promise<UserView[]> {
    const out: UserView[] = [];
    let after: string | undefined;
    for (;;) {
      const batch = await this.users.list({ limit: READ_BATCH, after });
      out.push(...batch.items);
      if (!batch.next) return out;
      after = batch.next;
    }
  }
}
