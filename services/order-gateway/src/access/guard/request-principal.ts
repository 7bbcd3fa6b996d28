import { UnauthenticatedError } from '@openretail/contracts';
import type { Principal } from '../principal';

const PRINCIPAL = Symbol('openretail.principal');

type WithPrincipal = { [PRINCIPAL]?: Principal };

export function setPrincipal(request: object, principal: Principal): void {
  (request as WithPrincipal)[PRINCIPAL] = principal;
}

/** The principal the guard attached; a public route has none. */
export function principalOf(request: object): Principal {
  const principal = (request as WithPrincipal)[PRINCIPAL];
  if (!principal) throw new UnauthenticatedError('this route is public and has no authenticated caller');
  return principal;
}
