import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '@openretail/config';
import { observabilityConfig } from './config';

test('defaults LOG_LEVEL to info and leaves OTLP and service name unset', () => {
  assert.deepEqual(
    { ...loadConfig(observabilityConfig, {}) },
    { OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_SERVICE_NAME: undefined, LOG_LEVEL: 'info' },
  );
});

test('rejects a non-http endpoint and an unknown level, naming both', () => {
  assert.throws(
    () =>
      loadConfig(observabilityConfig, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317',
        LOG_LEVEL: 'trace',
      }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems.some(
        (p) => p.variable === 'OTEL_EXPORTER_OTLP_ENDPOINT' && /http or https/.test(p.reason),
      ) &&
      e.problems.some((p) => p.variable === 'LOG_LEVEL' && /one of debug, info, warn, error/.test(p.reason)),
  );
});
