import { runService } from '@openretail/service-runtime';
import { orderGatewayServiceDefinition } from './service';

runService(orderGatewayServiceDefinition);
