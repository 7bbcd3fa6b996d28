import { loadConfig } from '@openretail/config';
import { databaseConfig } from './config';
import { migrateUp, openDatabase, type ServiceDatabaseOptions } from './orm';
import { createTestDatabase } from './test-database';

type Entities = ServiceDatabaseOptions['entities'];

/**
 * The `migrate.js` command of every service:
 *   up (default)  apply pending migrations to DATABASE_URL
 *   pending       list migrations not applied yet (exit 1 when there are some)
 *   create NAME   generate a migration from the difference between the entities and the schema the
 *                 committed migrations produce; it diffs against a throw-away database, so the
 *                 result never depends on the state of somebody's development database
 *   check         fail when the entities differ from what the migrations produce (for CI)
 */
export async function runMigrationCli(serviceDir: string, entities: Entities, argv = process.argv.slice(2)) {
  const [command = 'up', name] = argv;
  if (command === 'create' || command === 'check') {
    const db = await createTestDatabase('migration_diff');
    const orm = await openDatabase({ url: db.url, entities, serviceDir });
    try {
      await migrateUp(orm);
      const migrator = orm.getMigrator();
      if (command === 'check') {
        const pending = await migrator.checkMigrationNeeded();
        if (pending)
          throw new Error('the entities differ from the committed migrations: run `migrate.js create`');
        console.log('migrations match the entities');
      } else {
        // The name becomes part of a class name: letters, digits and _ only.
        const result = await migrator.createMigration(
          undefined,
          false,
          false,
          name?.replace(/[^A-Za-z0-9_]/g, '_'),
        );
        console.log(result.fileName ? `created ${result.fileName}` : 'no changes: nothing to create');
      }
    } finally {
      await orm.close(true);
      await db.drop();
    }
    return;
  }
  const config = loadConfig(databaseConfig);
  const orm = await openDatabase({ url: config.DATABASE_URL, entities, serviceDir });
  try {
    if (command === 'up') {
      const applied = await migrateUp(orm);
      console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
    } else if (command === 'pending') {
      const pending = await orm.getMigrator().getPendingMigrations();
      pending.forEach((m) => console.log(m.name));
      process.exitCode = pending.length ? 1 : 0;
    } else {
      throw new Error(`unknown command '${command}': use up, pending, create NAME or check`);
    }
  } finally {
    await orm.close(true);
  }
}
