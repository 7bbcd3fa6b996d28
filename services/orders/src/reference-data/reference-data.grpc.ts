import { Injectable } from '@nestjs/common';
import { type ServiceImplementation, type ordersV1 } from '@openretail/grpc';
import { ValidationError } from '@openretail/contracts';
import { ReferenceDataService, type VersionedReferenceData } from './reference-data.service';

const toProto = ({ version, data }: VersionedReferenceData): ordersV1.ReferenceDataDocument => ({
  json: JSON.stringify(data.data),
  version,
});

/** The ReferenceDataService gRPC contract: the document as JSON text, validated by the service. */
@Injectable()
export class ReferenceDataGrpcHandler {
  constructor(private readonly referenceData: ReferenceDataService) {}

  implementation(): ServiceImplementation<ordersV1.ReferenceDataServiceDefinition> {
    return {
      GetReferenceData: async () => toProto(await this.referenceData.document()),
      ReplaceReferenceData: async (req) => {
        let input: unknown;
        try {
          input = JSON.parse(req.json);
        } catch {
          throw ValidationError.field('json', 'must be a JSON document');
        }
        return toProto(await this.referenceData.replace(input, req.expectedVersion ?? undefined));
      },
    };
  }
}
