export { databaseConfig } from './config';
export {
  ormOptions,
  openDatabase,
  migrateUp,
  databaseHealth,
  type ServiceOrm,
  type ServiceDatabaseOptions,
} from './orm';
export { createTestDatabase, type TestDatabase } from './test-database';
export { runMigrationCli } from './migration-cli';
export {
  HISTORY_GAP_TIMEOUT_MS,
  MAX_HISTORY_WINDOWS,
  readVisibleHistory,
  readableEntries,
} from './history-cursor';
export { executeBound, insertRecordset, recordsetInsert, type RecordsetColumns } from './bound-sql';
export { GroupCommit, type GroupCommitOptions, type BatchWrite } from './group-commit';
export { EntityManager } from '@mikro-orm/postgresql';
