import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** The row id of the one document: an installation has exactly one set of reference data. */
export const REFERENCE_DATA_ID = 1;

/**
 * The reference data of the installation as one versioned JSON document: it is read and replaced as
 * a whole (validation needs every dictionary at once) and rarely written, so one row is simplest.
 */
@Entity({ tableName: 'reference_data' })
export class ReferenceDataDocument {
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  id: number = REFERENCE_DATA_ID;

  /** 1 for the first save, one more for each later one: what optimistic concurrency compares. */
  @Property({ type: 'integer' })
  version!: number;

  /** The validated data, defaults filled in. */
  @Property({ type: 'json' })
  document!: unknown;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}
