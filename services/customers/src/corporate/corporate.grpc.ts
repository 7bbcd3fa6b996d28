import { Injectable } from '@nestjs/common';
import { ValidationError, type CorporateCustomerJson } from '@openretail/contracts';
import { customersV1, type ServiceImplementation } from '@openretail/grpc';
import { versionOf } from '../profiles/customers.grpc';
import { callerFromProto } from '../shared/caller';
import { keyFromProto } from '../shared/customer-key';
import type { CorporateCommand } from './corporate-commands';
import type { CorporateView } from './corporate-state';
import { CorporateCustomersService } from './corporate.service';

type Implementation = ServiceImplementation<customersV1.CustomersServiceDefinition>;
export type CorporateMethods = Omit<
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

interface CommandRequest {
  caller?: customersV1.Caller__Output | null;
  key?: customersV1.CustomerKey__Output | null;
  expectedVersion?: string | null;
}

/** The corporate-customer methods of CustomersService, translated to and from the application service. */
@Injectable()
export class CorporateCustomersGrpcHandler {
  constructor(private readonly corporate: CorporateCustomersService) {}

  implementation(): CorporateMethods {
    const execute = async (req: CommandRequest, command: CorporateCommand) =>
      toProto(
        await this.corporate.execute(
          keyFromProto(req.key),
          command,
          callerFromProto(req.caller),
          versionOf(req.expectedVersion),
        ),
      );
    const mask = (m: { paths: string[] } | null | undefined) => m?.paths ?? [];

    return {
      CreateCorporateCustomer: async (req) =>
        toProto(
          await this.corporate.create(
            corporateOf(req.corporateCustomer),
            callerFromProto(req.caller),
            req.idempotencyKey || undefined,
          ),
        ),
      GetCorporateCustomer: async (req) =>
        toProto(await this.corporate.get(keyFromProto(req.key), callerFromProto(req.caller))),
      UpdateCorporateCustomer: (req) =>
        execute(req, { kind: 'edit', input: corporateOf(req.corporateCustomer), mask: mask(req.updateMask) }),
      ListCorporateCustomers: async (req) => {
        const { views, nextPageToken, totalCount } = await this.corporate.list(
          {
            sites: req.sites,
            name: req.name || undefined,
            inn: req.inn || undefined,
            contactCustomerId: req.contactCustomerId || undefined,
            managerId: req.managerId || undefined,
            includeMerged: req.includeMerged,
            pageSize: req.pageSize,
            pageToken: req.pageToken || undefined,
            numericIds: req.numericIds.map(Number),
            externalIds: req.externalIds,
            offset: req.offset,
            countTotal: req.countTotal,
          },
          callerFromProto(req.caller),
        );
        return {
          corporateCustomers: views.map(toProto),
          nextPageToken: nextPageToken ?? '',
          totalCount: totalCount ?? 0,
        };
      },
      AddCorporateCompany: (req) => execute(req, { kind: 'company-add', input: companyOf(req.company) }),
      UpdateCorporateCompany: (req) =>
        execute(req, {
          kind: 'company-update',
          id: required(req.company?.id, 'company.id'),
          input: companyOf(req.company),
          mask: mask(req.updateMask),
        }),
      RemoveCorporateCompany: (req) =>
        execute(req, { kind: 'company-remove', id: required(req.companyId, 'companyId') }),
      AddCorporateContact: (req) =>
        execute(req, {
          kind: 'contact-add',
          input: req.contact ? customersV1.contactFromProto(req.contact) : {},
        }),
      UpdateCorporateContact: (req) =>
        execute(req, {
          kind: 'contact-update',
          customerId: required(req.contact?.customerId, 'contact.customerId'),
          input: req.contact ? customersV1.contactFromProto(req.contact) : {},
          mask: mask(req.updateMask),
        }),
      RemoveCorporateContact: (req) =>
        execute(req, { kind: 'contact-remove', customerId: required(req.customerId, 'customerId') }),
      AddCorporateAddress: (req) => execute(req, { kind: 'address-add', input: addressOf(req.address) }),
      UpdateCorporateAddress: (req) =>
        execute(req, {
          kind: 'address-update',
          id: required(req.address?.id, 'address.id'),
          input: addressOf(req.address),
          mask: mask(req.updateMask),
        }),
      RemoveCorporateAddress: (req) =>
        execute(req, { kind: 'address-remove', id: required(req.addressId, 'addressId') }),
    };
  }
}

export function corporateJsonOf({
  corporate: c,
  numericId,
  mergedInto,
  version,
}: CorporateView): CorporateCustomerJson {
  return {
    ...c,
    numericId,
    companies: c.companies.map((co) => ({ ...co, createdAt: co.createdAt.toISOString() })),
    contacts: c.contacts.map(({ createdAt: _createdAt, ...contact }) => contact),
    mergedInto,
    version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

function toProto(view: CorporateView): customersV1.CorporateCustomer {
  return customersV1.corporateCustomerToProto(corporateJsonOf(view));
}

/** The request's corporate customer as public JSON without its output-only fields. */
function corporateOf(c: customersV1.CorporateCustomer__Output | null | undefined): CorporateCustomerJson {
  if (!c) return {};
  const {
    id: _id,
    numericId: _numericId,
    mergedInto: _mergedInto,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    ...input
  } = customersV1.corporateCustomerFromProto(c);
  return {
    ...input,
    companies: input.companies?.map(({ id: _cid, createdAt: _at, ...company }) => company),
  };
}

function companyOf(c: customersV1.Company__Output | null | undefined) {
  if (!c) return {};
  const { id: _id, createdAt: _createdAt, ...company } = customersV1.companyFromProto(c);
  return company;
}

function addressOf(a: customersV1.Address__Output | null | undefined) {
  if (!a) return {};
  const { id: _id, ...address } = customersV1.addressFromProto(a);
  return address;
}

function required(value: string | null | undefined, field: string): string {
  if (!value) throw ValidationError.field(field, 'is required');
  return value;
}
