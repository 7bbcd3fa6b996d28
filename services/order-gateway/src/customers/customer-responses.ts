import { customersV1, dateFromTimestamp } from '@openretail/grpc';

/** The customers service's answers as the public JSON. */

export const customerJson = (c: customersV1.Customer__Output) => customersV1.customerFromProto(c);

export const corporateJson = (c: customersV1.CorporateCustomer__Output) =>
  customersV1.corporateCustomerFromProto(c);

export const customerListJson = (res: customersV1.ListCustomersResponse__Output) => ({
  customers: res.customers.map(customerJson),
  ...(res.nextPageToken ? { nextPageToken: res.nextPageToken } : {}),
});

export const corporateListJson = (res: customersV1.ListCorporateCustomersResponse__Output) => ({
  corporateCustomers: res.corporateCustomers.map(corporateJson),
  ...(res.nextPageToken ? { nextPageToken: res.nextPageToken } : {}),
});

export const historyJson = (res: customersV1.ListCustomerHistoryResponse__Output) => ({
  entries: res.entries.map((e) => ({
    id: Number(e.id),
    customerId: e.customerId,
    customerKind: e.customerKind,
    site: e.site,
    field: e.field,
    oldValue: JSON.parse(e.oldValue) as unknown,
    newValue: JSON.parse(e.newValue) as unknown,
    ...(e.userId ? { userId: e.userId } : {}),
    source: e.source,
    at: dateFromTimestamp(e.at, 'at').toISOString(),
  })),
  lastId: Number(res.lastId),
});
