import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as ordersV1 from './orders-v1';
import { DEFAULT_PROTO_ROOT, PROTO_LOADER_OPTIONS, loadProto } from './proto';
import * as testingV1 from './testing-v1';

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

  it('exposes a service with its unary methods', () => {
    const service = testingV1.testService();
    assert.deepEqual(Object.keys(service).sort(), ['CreateWidget', 'GetWidget']);
    assert.equal(service.GetWidget.path, '/openretail.testing.v1.TestService/GetWidget');
  });

  // Only that the shipped loader works; what the orders contract holds is for the services' and e2e tests.
  it('loads OrdersService and ReferenceDataService of openretail.orders.v1 together, once', () => {
    assert.equal(ordersV1.ordersService().GetOrder.path, '/openretail.orders.v1.OrdersService/GetOrder');
    assert.equal(
      ordersV1.referenceDataService().GetReferenceData.path,
      '/openretail.orders.v1.ReferenceDataService/GetReferenceData',
    );
    assert.equal(ordersV1.load(), ordersV1.load(), 'loaded once');
  });

  it('encodes int64 as a decimal string and fills defaults', () => {
    const { GetWidget } = testingV1.testService();
    const bytes = GetWidget.responseSerialize({
      total: { amountMinor: '9223372036854775807', currency: 'RUB' },
    });
    const widget = GetWidget.responseDeserialize(bytes);
    assert.deepEqual(widget.total, { amountMinor: '9223372036854775807', currency: 'RUB' });
    assert.equal(widget.status, '');
    assert.deepEqual(widget.parts, []);
    assert.equal(widget.owner, null);
    assert.equal(widget.externalId, undefined);
  });

  it('names a missing file and the root it looked in', () => {
    assert.throws(
      () => loadProto('openretail/nope/v1/nope.proto'),
      /openretail\/nope\/v1\/nope\.proto not found under proto root/,
    );
  });
});
