import { Injectable } from '@nestjs/common';
import { ValidationError, type CustomerJson } from '@openretail/contracts';
import {
  customersV1,
  dateFromTimestamp,
  moneyFromProto,
  timestampFromDate,
  type ServiceImplementation,
} from '@openretail/grpc';
import { CustomerHistoryService } from '../history/customer-history.service';
import { CustomerNotesService, type NoteView } from '../notes/customer-notes.service';
import { callerFromProto } from '../shared/caller';
import { keyFromProto } from '../shared/customer-key';
import type { CustomerView } from './customer-state';
import { CustomersService } from './customers.service';

type Implementation = ServiceImplementation<customersV1.CustomersServiceDefinition>;
export type CustomerMethods = Pick<
  Implementation,
  | 'CreateCustomer'
  | 'GetCustomer'
  | 'UpdateCustomer'
  | 'ListCustomers'
  | 'SearchCustomers'
  | 'ListCustomerHistory'
  | 'AddCustomerNote'
  | 'ListCustomerNotes'
  | 'DeleteCustomerNote'
>;

/** The individual-customer methods of CustomersService, translated to and from the application services. */
@Injectable()
export class CustomersGrpcHandler {
  constructor(
    private readonly customers: CustomersService,
    private readonly notes: CustomerNotesService,
    private readonly historyService: CustomerHistoryService,
  ) {}

  implementation(): CustomerMethods {
    return {
      CreateCustomer: async (req) =>
        toProto(
          await this.customers.create(
            customerOf(req.customer),
            callerFromProto(req.caller),
            req.idempotencyKey || undefined,
          ),
        ),
      GetCustomer: async (req) =>
        toProto(await this.customers.get(keyFromProto(req.key), callerFromProto(req.caller))),
      UpdateCustomer: async (req) =>
        toProto(
          await this.customers.update(
            keyFromProto(req.key),
            customerOf(req.customer),
            req.updateMask?.paths ?? [],
            callerFromProto(req.caller),
            versionOf(req.expectedVersion),
          ),
        ),
      ListCustomers: async (req) => {
        const time = (t: typeof req.createdFrom, field: string) =>
          t ? dateFromTimestamp(t, field) : undefined;
        const money = (m: typeof req.minTotalSpent, field: string) =>
          m?.currency ? moneyFromProto(m, field) : undefined;
        const { views, nextPageToken, totalCount } = await this.customers.list(
          {
            sites: req.sites,
            managerId: req.managerId || undefined,
            tags: req.tags,
            vip: req.vip ?? undefined,
            createdFrom: time(req.createdFrom, 'createdFrom'),
            createdTo: time(req.createdTo, 'createdTo'),
            includeMerged: req.includeMerged,
            pageSize: req.pageSize,
            pageToken: req.pageToken || undefined,
            ids: req.ids,
            numericIds: req.numericIds.map(Number),
            externalIds: req.externalIds,
            query: req.query || undefined,
            email: req.email || undefined,
            sex: req.sex || undefined,
            ordersCount: { min: req.minOrdersCount ?? undefined, max: req.maxOrdersCount ?? undefined },
            totalSpent: {
              min: money(req.minTotalSpent, 'minTotalSpent'),
              max: money(req.maxTotalSpent, 'maxTotalSpent'),
            },
            averageCheck: {
              min: money(req.minAverageCheck, 'minAverageCheck'),
              max: money(req.maxAverageCheck, 'maxAverageCheck'),
            },
            firstOrderAt: {
              min: time(req.firstOrderFrom, 'firstOrderFrom'),
              max: time(req.firstOrderTo, 'firstOrderTo'),
            },
            lastOrderAt: {
              min: time(req.lastOrderFrom, 'lastOrderFrom'),
              max: time(req.lastOrderTo, 'lastOrderTo'),
            },
            offset: req.offset,
            countTotal: req.countTotal,
          },
          callerFromProto(req.caller),
        );
        return {
          customers: views.map(toProto),
          nextPageToken: nextPageToken ?? '',
          totalCount: totalCount ?? 0,
        };
      },
      SearchCustomers: async (req) => {
        const views = await this.customers.search(
          {
            sites: req.sites,
            phone: req.phone || undefined,
            email: req.email || undefined,
            name: req.name || undefined,
            includeMerged: req.includeMerged,
            limit: req.limit,
          },
          callerFromProto(req.caller),
        );
        return { customers: views.map(toProto) };
      },
      ListCustomerHistory: async (req) => {
        const { entries, lastId, totalCount } = await this.historyService.history(
          {
            afterId: Number(req.afterId),
            customerId: req.customerId || undefined,
            sites: req.sites,
            limit: req.limit,
            customerKind: req.customerKind || undefined,
            from: req.from ? dateFromTimestamp(req.from, 'from') : undefined,
            to: req.to ? dateFromTimestamp(req.to, 'to') : undefined,
            countTotal: req.countTotal,
          },
          callerFromProto(req.caller),
        );
        return {
          entries: entries.map((e) => ({
            id: e.id,
            customerId: e.customerId,
            customerKind: e.customerKind,
            site: e.site,
            field: e.field,
            oldValue: JSON.stringify(e.oldValue ?? null),
            newValue: JSON.stringify(e.newValue ?? null),
            userId: e.userId ?? '',
            source: e.source,
            apiKeyId: e.apiKeyId ?? '',
            at: timestampFromDate(e.at),
          })),
          lastId,
          totalCount: totalCount ?? 0,
        };
      },
      AddCustomerNote: async (req) =>
        noteToProto(
          await this.notes.add(keyFromProto(req.key), { text: req.text }, callerFromProto(req.caller)),
        ),
      ListCustomerNotes: async (req) => {
        const { notes, nextPageToken, totalCount } = await this.notes.list(
          req.key ? keyFromProto(req.key) : undefined,
          callerFromProto(req.caller),
          {
            pageSize: req.pageSize,
            pageToken: req.pageToken || undefined,
            customerIds: req.customerIds,
            sites: req.sites,
            offset: req.offset,
            countTotal: req.countTotal,
          },
        );
        return {
          notes: notes.map(noteToProto),
          nextPageToken: nextPageToken ?? '',
          totalCount: totalCount ?? 0,
        };
      },
      DeleteCustomerNote: async (req) => {
        await this.notes.delete(
          req.key ? keyFromProto(req.key) : undefined,
          req.noteId,
          callerFromProto(req.caller),
        );
        return {};
      },
    };
  }
}

/** The customer as public JSON, then as the proto message. */
export function customerJsonOf({
  customer: c,
  numericId,
  metrics,
  mergedInto,
  version,
}: CustomerView): CustomerJson {
  return {
    ...c,
    numericId,
    metrics: {
      ...metrics,
      firstOrderAt: metrics.firstOrderAt?.toISOString(),
      lastOrderAt: metrics.lastOrderAt?.toISOString(),
    },
    mergedInto,
    version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

function toProto(view: CustomerView): customersV1.Customer {
  return customersV1.customerToProto(customerJsonOf(view));
}

function noteToProto(note: NoteView): customersV1.CustomerNote {
  return customersV1.noteToProto({ ...note, createdAt: note.createdAt.toISOString() });
}

/**
 * The request's customer as public JSON without its output-only fields, which requests ignore;
 * validation is the domain's, which names every field.
 */
function customerOf(customer: customersV1.Customer__Output | null | undefined): CustomerJson {
  if (!customer) return {};
  const {
    id: _id,
    numericId: _numericId,
    metrics: _metrics,
    mergedInto: _mergedInto,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    ...input
  } = customersV1.customerFromProto(customer);
  return input;
}

export function versionOf(version: string | null | undefined): number | undefined {
  if (version === undefined || version === null) return undefined;
  const n = Number(version);
  if (!Number.isSafeInteger(n) || n < 1)
    throw ValidationError.field('expectedVersion', 'must be a whole number, 1 or more');
  return n;
}
