import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as ordersV1 from './orders-v1';
import { DEFAULT_PROTO_ROOT, PROTO_LOADER_OPTIONS, loadProto } from './proto';

describe('proto loading', () => {
  it('loads with the options the types were generated with', async () => {
    // dist/proto.test.js -> libs/grpc/scripts/codegen.mjs; a native import() so tsc keeps it ESM.
    const url = pathToFileURL(path.resolve(__dirname, '../scripts/codegen.mjs')).href;
    const importEsm = new Function('url', 'return import(url)') as (
      u: string,
    ) => Promise<{ CODEGEN_OPTIONS: object }>;
    const { CODEGEN_OPTIONS } = await importEsm(url);
    assert.deepEqual(CODEGEN_OPTIONS, PROTO_LOADER_OPTIONS);
  });

  it("finds the repository's proto/ folder", () => {
    assert.equal(DEFAULT_PROTO_ROOT, path.resolve(__dirname, '../../../proto'));
  });

  it('exposes OrdersService with its unary methods', () => {
    const service = ordersV1.ordersService();
    assert.deepEqual(Object.keys(service).sort(), ['CreateOrder', 'GetOrder']);
    assert.equal(service.GetOrder.path, '/openretail.orders.v1.OrdersService/GetOrder');
    assert.equal(ordersV1.load(), ordersV1.load(), 'loaded once');
  });

  it('exposes ReferenceDataService from the same package', () => {
    const service = ordersV1.referenceDataService();
    assert.deepEqual(Object.keys(service).sort(), ['GetReferenceData', 'ReplaceReferenceData']);
    assert.equal(
      service.GetReferenceData.path,
      '/openretail.orders.v1.ReferenceDataService/GetReferenceData',
    );
  });

  it('encodes int64 as a decimal string and fills defaults', () => {
    const { GetOrder } = ordersV1.ordersService();
    const bytes = GetOrder.responseSerialize({
      total: { amountMinor: '9223372036854775807', currency: 'RUB' },
    });
    const order = GetOrder.responseDeserialize(bytes);
    assert.deepEqual(order.total, { amountMinor: '9223372036854775807', currency: 'RUB' });
    assert.equal(order.status, '');
    assert.deepEqual(order.items, []);
    assert.equal(order.externalId, undefined);
  });

  it('names a missing file and the root it looked in', () => {
    assert.throws(
      () => loadProto('openretail/nope/v1/nope.proto'),
      /openretail\/nope\/v1\/nope\.proto not found under proto root/,
    );
  });
});
