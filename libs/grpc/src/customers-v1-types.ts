// The message types of openretail.customers.v1, re-exported under their proto names.
export type {
  AddCorporateAddressRequest,
  AddCorporateAddressRequest__Output,
} from './generated/openretail/customers/v1/AddCorporateAddressRequest';
export type {
  AddCorporateCompanyRequest,
  AddCorporateCompanyRequest__Output,
} from './generated/openretail/customers/v1/AddCorporateCompanyRequest';
export type {
  AddCorporateContactRequest,
  AddCorporateContactRequest__Output,
} from './generated/openretail/customers/v1/AddCorporateContactRequest';
export type {
  AddCustomerNoteRequest,
  AddCustomerNoteRequest__Output,
} from './generated/openretail/customers/v1/AddCustomerNoteRequest';
export type { Address, Address__Output } from './generated/openretail/customers/v1/Address';
export type { Caller, Caller__Output } from './generated/openretail/customers/v1/Caller';
export type { Company, Company__Output } from './generated/openretail/customers/v1/Company';
export type { Consent, Consent__Output } from './generated/openretail/customers/v1/Consent';
export type { Consents, Consents__Output } from './generated/openretail/customers/v1/Consents';
export type { ContactPerson, ContactPerson__Output } from './generated/openretail/customers/v1/ContactPerson';
export type {
  CorporateCustomer,
  CorporateCustomer__Output,
} from './generated/openretail/customers/v1/CorporateCustomer';
export type {
  CreateCorporateCustomerRequest,
  CreateCorporateCustomerRequest__Output,
} from './generated/openretail/customers/v1/CreateCorporateCustomerRequest';
export type {
  CreateCustomerRequest,
  CreateCustomerRequest__Output,
} from './generated/openretail/customers/v1/CreateCustomerRequest';
export type {
  CustomFieldValue,
  CustomFieldValue__Output,
} from './generated/openretail/customers/v1/CustomFieldValue';
export type { Customer, Customer__Output } from './generated/openretail/customers/v1/Customer';
export type { CustomerKey, CustomerKey__Output } from './generated/openretail/customers/v1/CustomerKey';
export type {
  CustomerMetrics,
  CustomerMetrics__Output,
} from './generated/openretail/customers/v1/CustomerMetrics';
export type { CustomerNote, CustomerNote__Output } from './generated/openretail/customers/v1/CustomerNote';
export type {
  DeleteCustomerNoteRequest,
  DeleteCustomerNoteRequest__Output,
} from './generated/openretail/customers/v1/DeleteCustomerNoteRequest';
export type {
  DeleteCustomerNoteResponse,
  DeleteCustomerNoteResponse__Output,
} from './generated/openretail/customers/v1/DeleteCustomerNoteResponse';
export type {
  GetCorporateCustomerRequest,
  GetCorporateCustomerRequest__Output,
} from './generated/openretail/customers/v1/GetCorporateCustomerRequest';
export type {
  GetCustomerRequest,
  GetCustomerRequest__Output,
} from './generated/openretail/customers/v1/GetCustomerRequest';
export type { HistoryEntry, HistoryEntry__Output } from './generated/openretail/customers/v1/HistoryEntry';
export type {
  ListCorporateCustomersRequest,
  ListCorporateCustomersRequest__Output,
} from './generated/openretail/customers/v1/ListCorporateCustomersRequest';
export type {
  ListCorporateCustomersResponse,
  ListCorporateCustomersResponse__Output,
} from './generated/openretail/customers/v1/ListCorporateCustomersResponse';
export type {
  ListCustomerHistoryRequest,
  ListCustomerHistoryRequest__Output,
} from './generated/openretail/customers/v1/ListCustomerHistoryRequest';
export type {
  ListCustomerHistoryResponse,
  ListCustomerHistoryResponse__Output,
} from './generated/openretail/customers/v1/ListCustomerHistoryResponse';
export type {
  ListCustomerNotesRequest,
  ListCustomerNotesRequest__Output,
} from './generated/openretail/customers/v1/ListCustomerNotesRequest';
export type {
  ListCustomerNotesResponse,
  ListCustomerNotesResponse__Output,
} from './generated/openretail/customers/v1/ListCustomerNotesResponse';
export type {
  ListCustomersRequest,
  ListCustomersRequest__Output,
} from './generated/openretail/customers/v1/ListCustomersRequest';
export type {
  ListCustomersResponse,
  ListCustomersResponse__Output,
} from './generated/openretail/customers/v1/ListCustomersResponse';
export type { Phone, Phone__Output } from './generated/openretail/customers/v1/Phone';
export type {
  RemoveCorporateAddressRequest,
  RemoveCorporateAddressRequest__Output,
} from './generated/openretail/customers/v1/RemoveCorporateAddressRequest';
export type {
  RemoveCorporateCompanyRequest,
  RemoveCorporateCompanyRequest__Output,
} from './generated/openretail/customers/v1/RemoveCorporateCompanyRequest';
export type {
  RemoveCorporateContactRequest,
  RemoveCorporateContactRequest__Output,
} from './generated/openretail/customers/v1/RemoveCorporateContactRequest';
export type {
  SearchCustomersRequest,
  SearchCustomersRequest__Output,
} from './generated/openretail/customers/v1/SearchCustomersRequest';
export type {
  SearchCustomersResponse,
  SearchCustomersResponse__Output,
} from './generated/openretail/customers/v1/SearchCustomersResponse';
export type {
  SiteExternalId,
  SiteExternalId__Output,
} from './generated/openretail/customers/v1/SiteExternalId';
export type {
  UpdateCorporateAddressRequest,
  UpdateCorporateAddressRequest__Output,
} from './generated/openretail/customers/v1/UpdateCorporateAddressRequest';
export type {
  UpdateCorporateCompanyRequest,
  UpdateCorporateCompanyRequest__Output,
} from './generated/openretail/customers/v1/UpdateCorporateCompanyRequest';
export type {
  UpdateCorporateContactRequest,
  UpdateCorporateContactRequest__Output,
} from './generated/openretail/customers/v1/UpdateCorporateContactRequest';
export type {
  UpdateCorporateCustomerRequest,
  UpdateCorporateCustomerRequest__Output,
} from './generated/openretail/customers/v1/UpdateCorporateCustomerRequest';
export type {
  UpdateCustomerRequest,
  UpdateCustomerRequest__Output,
} from './generated/openretail/customers/v1/UpdateCustomerRequest';
export type { Money, Money__Output } from './generated/openretail/common/v1/Money';
export type { Timestamp, Timestamp__Output } from './generated/google/protobuf/Timestamp';
// SegmentsService.
export type {
  CustomerSegment,
  CustomerSegment__Output,
} from './generated/openretail/customers/v1/CustomerSegment';
export type { Segment, Segment__Output } from './generated/openretail/customers/v1/Segment';
export type { SegmentMember, SegmentMember__Output } from './generated/openretail/customers/v1/SegmentMember';
