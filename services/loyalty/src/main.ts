import { runService } from '@openretail/service-runtime';
import { loyaltyServiceDefinition } from './service';

runService(loyaltyServiceDefinition);
