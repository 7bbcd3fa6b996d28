import type { UserView } from '../../access/users/users.service';
import { formatCrmDateTime } from '../wire/dates';
import type { Entry } from '../wire/reference-snapshot';

/**
 * Users and user groups in RetailCRM's shape. A user's one `name` is split at its first space into
 * `firstName` and `lastName`; its groups are the reference data's user groups.
 */
export function userToCrm(user: UserView, groups: readonly Entry[], timeZone: string) {
  const [firstName, ...rest] = user.name.trim().split(/\s+/);
  return {
    id: user.id,
    firstName,
    ...(rest.length ? { lastName: rest.join(' ') } : {}),
    createdAt: formatCrmDateTime(user.createdAt, timeZone),
    active: user.active,
    online: false,
    isAdmin: false,
    isManager: true,
    ...(user.email ? { email: user.email } : {}),
    status: user.active ? 'free' : 'offline',
    groups: user.groups.map((code) =>
      userGroupToCrm(groups.find((g) => g.code === code) ?? { code, name: code, active: true }),
    ),
  };
}

export function userGroupToCrm(group: Entry) {
  return { name: group.name, code: group.code, isManager: true, isDeliveryMen: false };
}
