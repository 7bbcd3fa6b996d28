import { runMigrations } from '@openretail/service-runtime';
import { deliveryServiceDefinition } from './service';

runMigrations(deliveryServiceDefinition);
