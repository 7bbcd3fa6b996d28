import { runMigrations } from '@openretail/service-runtime';
import { customersServiceDefinition } from './service';

runMigrations(customersServiceDefinition);
