import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, PreconditionError, UnavailableError } from '@openretail/contracts';
import { createGrpcServer, ordersV1, type GrpcServer } from '@openretail/grpc';
import { TEST_REFERENCE_DOCUMENT } from '../test-support/reference-data';
import {
  GrpcReferenceData,
  createReferenceDataClient,
  type ReferenceDataClient,
} from './customer-reference-data';

const quiet = { info() {}, warn() {}, error() {} };

describe('reference data from the orders service over gRPC', () => {
  let server: GrpcServer;
  let client: ReferenceDataClient;
  let calls = 0;
  let answer: () => { json: string; version: number } = () => ({
    json: JSON.stringify(TEST_REFERENCE_DOCUMENT),
    version: 1,
  });

  before(async () => {
    server = createGrpcServer({
      port: 0,
      host: '127.0.0.1',
      logger: quiet,
      services: [
        {
          definition: ordersV1.referenceDataService(),
          implementation: {
            GetReferenceData: async () => {
              calls++;
              return answer();
            },
            ReplaceReferenceData: async () => {
              throw new Error('not used');
            },
          },
        },
      ],
    });
    const port = await server.start();
    client = createReferenceDataClient(`127.0.0.1:${port}`, 1000);
  });
  after(async () => {
    client?.close();
    await server?.stop(0);
  });

  test('reads the sites with their phone regions and the customer custom fields only', async () => {
    const data = await new GrpcReferenceData(client).get();
    assert.deepEqual(data.siteCodes, ['pult', 'pult-opt', 'minsk']);
    assert.equal(data.phoneRegion('minsk'), 'BY');
    assert.equal(data.phoneRegion('nowhere'), undefined);
    assert.equal(data.customField('interests')?.type, 'dictionary');
    assert.equal(data.customField('call-logged'), undefined, 'an order field is no customer field');
  });

  test('kept for the ttl, then read again', async () => {
    let now = 0;
    const provider = new GrpcReferenceData(client, 5_000, () => now);
    calls = 0;
    await Promise.all([provider.get(), provider.get(), provider.get()]);
    assert.equal(calls, 1, 'concurrent reads share one call');
    now = 4_999;
    await provider.get();
    assert.equal(calls, 1);
    now = 5_000;
    await provider.get();
    assert.equal(calls, 2);
  });

  test('an outage serves the copy last read; without one it is unavailable', async () => {
    let now = 0;
    const provider = new GrpcReferenceData(client, 1_000, () => now);
    const first = await provider.get();
    answer = () => {
      throw new Error('orders is down');
    };
    now = 2_000;
    assert.equal(await provider.get(), first);
    await assert.rejects(new GrpcReferenceData(client).get(), UnavailableError);
    answer = () => {
      throw new NotFoundError('no reference data');
    };
    await assert.rejects(new GrpcReferenceData(client).get(), PreconditionError);
  });
});
