import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import { CorporateCustomersGrpcHandler } from './corporate/corporate.grpc';
import { CorporateCustomersService } from './corporate/corporate.service';
import { CustomerHistoryService } from './history/customer-history.service';
import { CustomerNotesService } from './notes/customer-notes.service';
import { CustomersGrpcHandler } from './profiles/customers.grpc';
import { CustomersService } from './profiles/customers.service';
import {
  GrpcReferenceData,
  REFERENCE_DATA,
  createReferenceDataClient,
  type ReferenceDataClient,
} from './reference-data/customer-reference-data';
import type { CustomersConfig } from './service';

const REFERENCE_DATA_CLIENT = Symbol('REFERENCE_DATA_CLIENT');

/** Customer profiles: individual and corporate customers, their notes and history, over gRPC. */
@Module({
  providers: [
    {
      provide: REFERENCE_DATA_CLIENT,
      inject: [SERVICE_CONFIG],
      useFactory: (config: CustomersConfig) =>
        createReferenceDataClient(config.ORDERS_GRPC_URL, config.GRPC_DEADLINE_MS),
    },
    {
      provide: REFERENCE_DATA,
      inject: [REFERENCE_DATA_CLIENT],
      useFactory: (client: ReferenceDataClient) => new GrpcReferenceData(client),
    },
    CustomersService,
    CustomerNotesService,
    CustomerHistoryService,
    CorporateCustomersService,
    CustomersGrpcHandler,
    CorporateCustomersGrpcHandler,
  ],
  exports: [REFERENCE_DATA, CustomersService, CustomersGrpcHandler, CorporateCustomersGrpcHandler],
})
export class CustomersModule implements OnApplicationShutdown {
  constructor(@Inject(REFERENCE_DATA_CLIENT) private readonly client: ReferenceDataClient) {}

  onApplicationShutdown(): void {
    this.client.close();
  }
}
