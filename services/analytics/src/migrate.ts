import { runMigrations } from '@openretail/service-runtime';
import { analyticsServiceDefinition } from './service';

runMigrations(analyticsServiceDefinition);
