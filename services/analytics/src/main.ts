import { runService } from '@openretail/service-runtime';
import { analyticsServiceDefinition } from './service';

runService(analyticsServiceDefinition);
