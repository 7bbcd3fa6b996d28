import path from 'node:path';
import { messagingEntities } from '@openretail/messaging';
import { createTestDatabase, migrateUp, openDatabase, type ServiceOrm } from '@openretail/persistence';
import { customersServiceDefinition } from '../service';

/** A throw-away customers database, migrated from scratch: each test suite has its own. */
export async function customersTestDatabase(
  label: string,
): Promise<{ orm: ServiceOrm; close(): Promise<void> }> {
  const db = await createTestDatabase(label);
  const orm = await openDatabase({
    url: db.url,
    entities: [...customersServiceDefinition.database!.entities, ...messagingEntities],
    serviceDir: path.resolve(__dirname, '..'),
  });
  await migrateUp(orm);
  return {
    orm,
    async close() {
      await orm.close(true);
      await db.drop();
    },
  };
}

/** The outbox rows of one aggregate, oldest first: what the relay will publish. */
export async function outboxOf(orm: ServiceOrm, aggregateId: string) {
  return orm.em
    .fork()
    .getConnection()
    .execute<{ event_type: string; topic: string; envelope: { payload: Record<string, unknown> } }[]>(
      'select event_type, topic, envelope from outbox_message where message_key = ? order by id',
      [aggregateId],
    );
}
