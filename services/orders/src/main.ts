import { runService } from '@openretail/service-runtime';
import { ordersServiceDefinition } from './service';

runService(ordersServiceDefinition);
