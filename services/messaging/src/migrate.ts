import { runMigrations } from '@openretail/service-runtime';
import { messagingServiceDefinition } from './service';

runMigrations(messagingServiceDefinition);
