import { messagingEntities } from '@openretail/messaging';
import { runMigrationCli } from '@openretail/persistence';
import type { ServiceDefinition } from './definition';

/**
 * The `migrate.js` entry point of a service: the same entities the running service registers,
 * so migrations can never drift from what the service expects.
 */
export function runMigrations(def: ServiceDefinition): void {
  if (!def.database) throw new Error(`${def.name} has no database`);
  runMigrationCli(def.database.serviceDir, [...def.database.entities, ...messagingEntities]).catch(
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
