import { ArrayType, Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@openretail/contracts';

/**
 * A person who acts through the API (a manager, an accountant...): manager actions carry the user
 * and its groups, which the orders service checks against the status matrix and the validations.
 */
@Entity({ tableName: 'users' })
export class User {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  /** Lower case; unique. */
  @Property({ type: 'text', unique: true })
  login!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  email?: string | null;

  /** User-group codes of the reference data. */
  @Property({ type: ArrayType, columnType: 'text[]' })
  groups: string[] = [];

  /** Deactivated users can no longer be acted as; they are kept for the history that names them. */
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Opt<Date> = new Date();
}
