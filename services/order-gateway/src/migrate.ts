import { runMigrations } from '@openretail/service-runtime';
import { orderGatewayServiceDefinition } from './service';

runMigrations(orderGatewayServiceDefinition);
