import { runMigrations } from '@openretail/service-runtime';
import { loyaltyServiceDefinition } from './service';

runMigrations(loyaltyServiceDefinition);
