// The message types of openretail.orders.v1, re-exported under their proto names.
export type {
  AddPaymentRequest,
  AddPaymentRequest__Output,
} from './generated/openretail/orders/v1/AddPaymentRequest';
export type { Caller, Caller__Output } from './generated/openretail/orders/v1/Caller';
export type {
  ChangeOrderStatusRequest,
  ChangeOrderStatusRequest__Output,
} from './generated/openretail/orders/v1/ChangeOrderStatusRequest';
export type {
  CheckOrderChangeRequest,
  CheckOrderChangeRequest__Output,
} from './generated/openretail/orders/v1/CheckOrderChangeRequest';
export type {
  CheckOrderChangeResponse,
  CheckOrderChangeResponse__Output,
} from './generated/openretail/orders/v1/CheckOrderChangeResponse';
export type { Contragent, Contragent__Output } from './generated/openretail/orders/v1/Contragent';
export type {
  CombineOrdersRequest,
  CombineOrdersRequest__Output,
} from './generated/openretail/orders/v1/CombineOrdersRequest';
export type {
  CombineOrdersResponse,
  CombineOrdersResponse__Output,
} from './generated/openretail/orders/v1/CombineOrdersResponse';
export type {
  CreateOrderRequest,
  CreateOrderRequest__Output,
} from './generated/openretail/orders/v1/CreateOrderRequest';
export type {
  CustomFieldValue,
  CustomFieldValue__Output,
} from './generated/openretail/orders/v1/CustomFieldValue';
export type { Customer, Customer__Output } from './generated/openretail/orders/v1/Customer';
export type {
  DeletePaymentRequest,
  DeletePaymentRequest__Output,
} from './generated/openretail/orders/v1/DeletePaymentRequest';
export type { Delivery, Delivery__Output } from './generated/openretail/orders/v1/Delivery';
export type {
  GetOrderRequest,
  GetOrderRequest__Output,
} from './generated/openretail/orders/v1/GetOrderRequest';
export type {
  GetReferenceDataRequest,
  GetReferenceDataRequest__Output,
} from './generated/openretail/orders/v1/GetReferenceDataRequest';
export type { HistoryEntry, HistoryEntry__Output } from './generated/openretail/orders/v1/HistoryEntry';
export type {
  ListAttentionOrdersRequest,
  ListAttentionOrdersRequest__Output,
} from './generated/openretail/orders/v1/ListAttentionOrdersRequest';
export type {
  ListOrderHistoryRequest,
  ListOrderHistoryRequest__Output,
} from './generated/openretail/orders/v1/ListOrderHistoryRequest';
export type {
  ListOrderHistoryResponse,
  ListOrderHistoryResponse__Output,
} from './generated/openretail/orders/v1/ListOrderHistoryResponse';
export type {
  ListOrdersRequest,
  ListOrdersRequest__Output,
} from './generated/openretail/orders/v1/ListOrdersRequest';
export type {
  ListOrdersResponse,
  ListOrdersResponse__Output,
} from './generated/openretail/orders/v1/ListOrdersResponse';
export type { Order, Order__Output } from './generated/openretail/orders/v1/Order';
export type { OrderItem, OrderItem__Output } from './generated/openretail/orders/v1/OrderItem';
export type { OrderKey, OrderKey__Output } from './generated/openretail/orders/v1/OrderKey';
export type { OrderTotals, OrderTotals__Output } from './generated/openretail/orders/v1/OrderTotals';
export type { Payment, Payment__Output } from './generated/openretail/orders/v1/Payment';
export type { PaymentKey, PaymentKey__Output } from './generated/openretail/orders/v1/PaymentKey';
export type {
  ReferenceDataDocument,
  ReferenceDataDocument__Output,
} from './generated/openretail/orders/v1/ReferenceDataDocument';
export type {
  ReplaceReferenceDataRequest,
  ReplaceReferenceDataRequest__Output,
} from './generated/openretail/orders/v1/ReplaceReferenceDataRequest';
export type { SiteExternalId, SiteExternalId__Output } from './generated/openretail/orders/v1/SiteExternalId';
export type {
  UpdateOrderRequest,
  UpdateOrderRequest__Output,
} from './generated/openretail/orders/v1/UpdateOrderRequest';
export type {
  UpdatePaymentRequest,
  UpdatePaymentRequest__Output,
} from './generated/openretail/orders/v1/UpdatePaymentRequest';
export type { Violation, Violation__Output } from './generated/openretail/orders/v1/Violation';
