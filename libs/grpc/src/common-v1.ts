export type { Money, Money__Output } from './generated/openretail/common/v1/Money';
export type { Timestamp, Timestamp__Output } from './generated/google/protobuf/Timestamp';
