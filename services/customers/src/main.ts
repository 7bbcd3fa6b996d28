import { runService } from '@openretail/service-runtime';
import { customersServiceDefinition } from './service';

runService(customersServiceDefinition);
