import { runMigrations } from '@openretail/service-runtime';
import { ordersServiceDefinition } from './service';

runMigrations(ordersServiceDefinition);
