import { createGrpcClient, customersV1, type GrpcClient } from '@openretail/grpc';

export const CUSTOMERS_CLIENT = Symbol('CUSTOMERS_CLIENT');
export type CustomersClient = GrpcClient<customersV1.CustomersServiceDefinition>;

export function createCustomersClient(address: string, deadlineMs: number): CustomersClient {
  return createGrpcClient(customersV1.customersService(), address, {
    deadlineMs,
    // Reads, and creates (the gateway always sends a key). Edits are not retried: a PATCH has no
    // key, and the client may retry it; adding a note has none either.
    idempotentMethods: [
      'GetCustomer',
      'ListCustomers',
      'SearchCustomers',
      'ListCustomerHistory',
      'ListCustomerNotes',
      'CreateCustomer',
      'GetCorporateCustomer',
      'ListCorporateCustomers',
      'CreateCorporateCustomer',
    ],
  });
}
