import type { FieldViolation } from '@openretail/contracts';
import type { ReferenceDataSet, StatusGroupKind } from './reference-data';

/** Groups every installation needs: orders start in 'new' and end in 'complete' or 'cancel'. */
const REQUIRED_GROUP_KINDS: readonly StatusGroupKind[] = ['new', 'complete', 'cancel'];
const FINAL_GROUP_KINDS: readonly StatusGroupKind[] = ['complete', 'cancel'];

type Report = (field: string, reason: string) => void;

/**
 * Checks what the schemas cannot: codes are unique and every reference points at something that
 * exists. Takes only the dictionaries whose structure was valid: a dictionary that failed its schema
 * was reported already, so references into it are not checked (they would only add noise).
 */
export function crossReferenceViolations(data: Partial<ReferenceDataSet>): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const report: Report = (field, reason) => violations.push({ field, reason });
  const unique = <T extends { code: string }>(key: keyof ReferenceDataSet, items: T[] | undefined) =>
    uniqueCodes(key, items, (item) => item.code, report);

  const sites = unique('sites', data.sites);
  const groups = unique('statusGroups', data.statusGroups);
  const statuses = unique('statuses', data.statuses);
  const userGroups = unique('userGroups', data.userGroups);
  unique('cancelReasons', data.cancelReasons);
  unique('orderTypes', data.orderTypes);
  unique('orderMethods', data.orderMethods);
  unique('paymentTypes', data.paymentTypes);
  unique('paymentStatuses', data.paymentStatuses);
  unique('deliveryTypes', data.deliveryTypes);
  unique('itemStatuses', data.itemStatuses);
  // An order field and a customer field may share a code: they live on different cards.
  uniqueCodes('customFields', data.customFields, (f) => `${f.entity} ${f.code}`, report, {
    describe: (f) => `${f.entity} field code '${f.code}'`,
  });

  const known = (set: Set<string> | undefined, code: string, field: string, noun: string) => {
    if (set && !set.has(code)) report(field, `unknown ${noun} '${code}'`);
  };

  const kindOfGroup = new Map(data.statusGroups?.map((g) => [g.code, g.kind]));
  if (data.statusGroups) checkGroupKinds(data.statusGroups, report);

  data.statuses?.forEach((status, i) => {
    known(groups, status.group, `statuses[${i}].group`, 'status group');
    const kind = kindOfGroup.get(status.group);
    if (status.timeLimitMinutes !== undefined && kind && FINAL_GROUP_KINDS.includes(kind)) {
      report(
        `statuses[${i}].timeLimitMinutes`,
        `a status of the final group '${status.group}' cannot have a time limit`,
      );
    }
  });
  if (data.statuses && data.statusGroups) {
    const newGroup = data.statusGroups.find((g) => g.kind === 'new');
    if (newGroup && !data.statuses.some((s) => s.group === newGroup.code && s.active)) {
      report('statuses', `the new group '${newGroup.code}' needs an active status: new orders start there`);
    }
  }

  const firstTransition = new Map<string, number>();
  data.transitions?.forEach((t, i) => {
    known(sites, t.site, `transitions[${i}].site`, 'site');
    known(statuses, t.from, `transitions[${i}].from`, 'status');
    known(statuses, t.to, `transitions[${i}].to`, 'status');
    if (t.from === t.to) report(`transitions[${i}].to`, 'a transition cannot lead from a status to itself');
    const key = `${t.site} ${t.from} ${t.to}`;
    const first = firstTransition.get(key);
    if (first === undefined) firstTransition.set(key, i);
    else
      report(
        `transitions[${i}]`,
        `duplicate transition from '${t.from}' to '${t.to}' on site '${t.site}' (also transitions[${first}])`,
      );
    if (t.userGroups?.length === 0) {
      report(
        `transitions[${i}].userGroups`,
        'must name at least one user group; omit it to let everyone make the transition',
      );
    }
    t.userGroups?.forEach((g, j) => known(userGroups, g, `transitions[${i}].userGroups[${j}]`, 'user group'));
  });

  data.customFields?.forEach((field, i) => {
    if (field.type !== 'dictionary' && field.values !== undefined) {
      report(`customFields[${i}].values`, 'only a dictionary field has values');
    }
    uniqueCodes(`customFields[${i}].values`, field.values, (v) => v, report, {
      fieldOf: (j) => `customFields[${i}].values[${j}]`,
      describe: (v) => `value '${v}'`,
    });
  });

  const cancelReasons = data.cancelReasons && new Set(data.cancelReasons.map((r) => r.code));
  const groupOfStatus = new Map(data.statuses?.map((s) => [s.code, s.group]));
  data.sites?.forEach((site, i) => {
    if (!site.combinedOrders) return;
    const field = `sites[${i}].combinedOrders`;
    const { status, cancelReason } = site.combinedOrders;
    known(statuses, status, `${field}.status`, 'status');
    const kind = kindOfGroup.get(groupOfStatus.get(status) ?? '');
    if (kind && kind !== 'cancel') {
      report(
        `${field}.status`,
        `'${status}' is not a status of the cancel group: a combined order is cancelled`,
      );
    }
    known(cancelReasons, cancelReason, `${field}.cancelReason`, 'cancel reason');
  });

  if (data.sites && data.paymentStatuses && !data.paymentStatuses.some((p) => p.paid)) {
    data.sites.forEach((site, i) => {
      if (site.completeRequires.includes('paid')) {
        report(`sites[${i}].completeRequires`, "requires 'paid' but no payment status is marked paid");
      }
    });
  }

  return violations;
}

/** Each fixed kind at most once (custom groups are unlimited); new, complete and cancel are required. */
function checkGroupKinds(groups: ReferenceDataSet['statusGroups'], report: Report): void {
  const firstOfKind = new Map<StatusGroupKind, number>();
  groups.forEach((group, i) => {
    const first = firstOfKind.get(group.kind);
    if (first === undefined) firstOfKind.set(group.kind, i);
    else if (group.kind !== 'custom') {
      report(
        `statusGroups[${i}].kind`,
        `only one group of kind '${group.kind}' is allowed (also statusGroups[${first}])`,
      );
    }
  });
  for (const kind of REQUIRED_GROUP_KINDS) {
    if (!firstOfKind.has(kind)) report('statusGroups', `a group of kind '${kind}' is required`);
  }
}

/** Reports every repeated identity; returns the set of identities, or undefined when there is no list. */
function uniqueCodes<T>(
  key: string,
  items: T[] | undefined,
  identity: (item: T) => string,
  report: Report,
  {
    fieldOf = (i: number) => `${key}[${i}].code`,
    describe = (item: T) => `code '${identity(item)}'`,
  }: { fieldOf?: (index: number) => string; describe?: (item: T) => string } = {},
): Set<string> | undefined {
  if (!items) return undefined;
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const id = identity(item);
    const seen = first.get(id);
    if (seen === undefined) first.set(id, i);
    else report(fieldOf(i), `duplicate ${describe(item)} (also ${key}[${seen}])`);
  });
  return new Set(first.keys());
}
