import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import { EDITABLE_ORDER_FIELDS, ValidationError } from '@openretail/contracts';
import { createTestDatabase, type TestDatabase } from '@openretail/persistence';
import { startService, type RunningService } from '@openretail/service-runtime';
import { REQUIRED_PERMISSIONS } from '../access/guard/decorators';
import { orderPatch } from '../orders/order-requests';
import { orderGatewayServiceDefinition } from '../service';
import { MERGED_PATCH_FIELDS, buildOpenApiDocument } from './openapi-document';

/** A port nothing listens on: the document needs no orders service. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Route {
  /** "METHOD /path/{param}", as the document names operations. */
  operation: string;
  controller: Type;
  handler: (...args: never[]) => unknown;
}

/**
 * Every route the application's controllers declare, each confirmed with Fastify as served at that
 * path. The RetailCRM API v5 (`/api/...`) is RetailCRM's documented API, not this document's: its
 * routes are listed in retailcrm-v5/README.md and left out here.
 */
function servedRoutes(app: INestApplication): Route[] {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const scanner = new MetadataScanner();
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const controller = metatype as Type;
      const prototype = controller.prototype as Record<string, Route['handler']>;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat();
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        for (const prefix of prefixes) {
          for (const path of [paths].flat()) {
            const url = `/${prefix}/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
            assert.ok(
              fastify.hasRoute({ method, url }),
              `${controller.name}.${name}: ${method} ${url} is not served`,
            );
            if (url.startsWith('/api/')) continue;
            routes.push({ operation: `${method} ${url.replace(/:(\w+)/g, '{$1}')}`, controller, handler });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.operation.localeCompare(b.operation));
}

const document = buildOpenApiDocument();
const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, operation]) => ({
    name: `${method.toUpperCase()} ${path}`,
    path,
    method,
    operation,
  })),
);

let db: TestDatabase;
let gateway: RunningService;
before(async () => {
  db = await createTestDatabase('openapi');
  gateway = await startService(orderGatewayServiceDefinition, {
    env: {
      HTTP_PORT: '0',
      LOG_LEVEL: 'error',
      DATABASE_URL: db.url,
      MIGRATE_ON_START: 'true',
      ORDERS_GRPC_URL: `127.0.0.1:${await closedPort()}`,
    },
  });
});
after(async () => {
  await gateway?.close();
  await db?.drop();
});

test('the document is valid OpenAPI 3.1, every reference resolving', async () => {
  const result = await new Validator().validate(document);
  assert.deepEqual(result.errors, undefined);
  assert.equal(result.valid, true);
  assert.equal(document.openapi, '3.1.0');
});

test('every route the gateway serves is documented, and nothing else is', () => {
  const documented = operations.map((o) => o.name).sort();
  const served = servedRoutes(gateway.app).map((r) => r.operation);
  assert.ok(served.includes('POST /v1/orders'), 'the route listing finds the order routes');
  assert.deepEqual(
    {
      undocumented: served.filter((r) => !documented.includes(r)),
      notServed: documented.filter((r) => !served.includes(r)),
    },
    { undocumented: [], notServed: [] },
  );
});

test('each operation names the permissions its route requires', () => {
  const reflector = new Reflector();
  for (const route of servedRoutes(gateway.app)) {
    const required = reflector.getAllAndMerge<string[]>(REQUIRED_PERMISSIONS, [
      route.handler,
      route.controller,
    ]);
    const documented = operations.find((o) => o.name === route.operation)?.operation['x-permissions'] ?? [];
    assert.deepEqual([...(documented as string[])].sort(), [...required].sort(), route.operation);
  }
});

test('the operations documented as public answer without an API key; every other one asks for it', async () => {
  for (const { name, path, method, operation } of operations) {
    const url = path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
    const res = await fetch(`http://127.0.0.1:${gateway.httpPort}${url}`, { method: method.toUpperCase() });
    await res.arrayBuffer();
    const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
    assert.equal(res.status === 401, !isPublic, `${name}: ${res.status}`);
  }
});

test('GET /openapi.json serves the document', async () => {
  const res = await fetch(`http://127.0.0.1:${gateway.httpPort}/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(await res.json(), JSON.parse(JSON.stringify(document)));
});

test('the fields the document says a PATCH merges are those the gateway merges', () => {
  // A merged field takes an object of members to change; any other field must be a value of its own.
  const merged = EDITABLE_ORDER_FIELDS.filter((field) => {
    try {
      return orderPatch({ [field]: { probe: null } }).mask.join() === `${field}.probe`;
    } catch (e) {
      if (e instanceof ValidationError) return false;
      throw e;
    }
  });
  assert.deepEqual(merged, [...MERGED_PATCH_FIELDS]);
});

test('every operation has a summary, one tag, an operationId of its own and a success response', () => {
  const ids = operations.map((o) => o.operation.operationId);
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  for (const { name, operation } of operations) {
    assert.ok(operation.summary && (operation.tags as string[]).length === 1, name);
    assert.ok(
      Object.keys(operation.responses as object).some((s) => s.startsWith('2')),
      name,
    );
  }
});
