import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** A customer in a segment, since when: rows are added and removed with segment.entered and segment.left. */
@Entity({ tableName: 'segment_members' })
@Index({ name: 'segment_members_customer_id_idx', properties: ['customerId'] })
// Member lists page in the order customers entered.
@Index({ name: 'segment_members_entered_idx', properties: ['segmentId', 'enteredAt', 'customerId'] })
export class SegmentMember {
  @PrimaryKey({ type: 'uuid' })
  segmentId!: string;

  @PrimaryKey({ type: 'uuid' })
  customerId!: string;

  /** The customer's site: a key scoped to some sites lists only their members. */
  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'timestamptz' })
  enteredAt!: Date;
}
