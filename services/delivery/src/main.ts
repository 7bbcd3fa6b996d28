import { runService } from '@openretail/service-runtime';
import { deliveryServiceDefinition } from './service';

runService(deliveryServiceDefinition);
