import { Module } from '@nestjs/common';
import { ReferenceDataGrpcHandler } from './reference-data.grpc';
import { ReferenceDataService } from './reference-data.service';

@Module({
  providers: [ReferenceDataService, ReferenceDataGrpcHandler],
  exports: [ReferenceDataService, ReferenceDataGrpcHandler],
})
export class ReferenceDataModule {}
