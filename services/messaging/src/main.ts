import { runService } from '@openretail/service-runtime';
import { messagingServiceDefinition } from './service';

runService(messagingServiceDefinition);
