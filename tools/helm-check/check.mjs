#!/usr/bin/env node
// Offline verification of the Helm chart: helm lint + helm template for each values scenario,
// schema validation of every rendered manifest, and the platform's invariants.
//   node tools/helm-check/check.mjs [--chart DIR]
// Exits non-zero when anything fails; the last line reads "helm-check: N passed, M failed".
import console from 'node:console';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { createHelmRunner, ensureHelm } from './lib/helm.mjs';
import { checkRelease, NAMESPACE, RELEASE, SERVICES } from './lib/invariants.mjs';
import { validateManifest } from './lib/schemas.mjs';
import { checkServiceDatabases, checkTopicsFile } from './lib/sources.mjs';
import { checkTypes } from './lib/types.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const externalDatabaseSecrets = SERVICES.filter((s) => s.database).map(
  (s) => `${RELEASE}-${s.name}-database`,
);

// Values scenarios and what their release must look like.
const SCENARIOS = [
  {
    name: 'default (external Kafka + PostgreSQL)',
    values: [],
    expect: {
      kafka: { provider: 'external', brokers: 'kafka:9092', topicPrefix: '' },
      postgresql: { provider: 'external' },
      // No URLs given: every service expects its "<release>-<service>-database" Secret.
      externalSecrets: externalDatabaseSecrets,
    },
  },
  {
    name: 'external (SASL/TLS Kafka, URLs and existing Secrets)',
    values: ['ci/external-values.yaml'],
    expect: {
      kafka: {
        provider: 'external',
        brokers:
          'kafka-0.kafka.example.internal:9094,kafka-1.kafka.example.internal:9094,kafka-2.kafka.example.internal:9094',
        topicPrefix: 'staging.',
      },
      postgresql: { provider: 'external' },
      externalSecrets: [
        'orders-db',
        `${RELEASE}-analytics-database`,
        'kafka-ca',
        'openretail-gateway-bootstrap',
      ],
    },
  },
  {
    name: 'strimzi + cloudnativepg',
    values: ['ci/strimzi-cnpg-values.yaml'],
    expect: {
      kafka: {
        provider: 'strimzi',
        brokers: 'openretail-kafka-bootstrap.kafka.svc:9093',
        topicPrefix: '',
        cluster: 'openretail',
        namespace: 'kafka',
      },
      postgresql: { provider: 'cloudnativepg', cluster: 'openretail-pg' },
      externalSecrets: [
        'openretail-pg-app',
        'openretail-pg-loyalty',
        'openretail-app',
        'openretail-cluster-ca-cert',
      ],
    },
  },
];

// Values the chart must refuse, with the message naming the value at fault.
const REJECTED = [
  {
    name: 'unknown Kafka provider',
    set: ['global.kafka.provider=confluent'],
    error: /global\.kafka\.provider: must be external or strimzi/,
  },
  {
    name: 'unknown PostgreSQL provider',
    set: ['global.postgresql.provider=rds'],
    error: /global\.postgresql\.provider: must be external or cloudnativepg/,
  },
  {
    name: 'SASL without a password',
    set: ['global.kafka.sasl.mechanism=scram-sha-512', 'global.kafka.sasl.username=u'],
    error: /global\.kafka\.sasl: set existingSecret or password/,
  },
  {
    name: 'database settings for a service whose database is disabled',
    set: [
      'analytics.database.enabled=false',
      'analytics.database.url=postgres://a@db:5432/openretail_analytics',
    ],
    error: /analytics\.database\.url: set although database\.enabled is false/,
  },
  { name: 'release name too long', release: 'a'.repeat(53), error: /longer than 63 characters/ },
];

async function main() {
  const { values: options } = parseArgs({ options: { chart: { type: 'string' } } });
  const chartDir = path.resolve(options.chart ?? path.join(repoRoot, 'helm', 'openretail'));
  const helm = createHelmRunner(ensureHelm(repoRoot), repoRoot);
  console.log(
    `helm-check: ${helm(['version', '--short']).stdout.trim()}, chart ${path.relative(process.cwd(), chartDir) || '.'}`,
  );

  const results = [];
  const record = (name, problems) => {
    results.push({ name, problems });
    console.log(`${problems.length ? 'FAIL' : 'ok  '} ${name}`);
    for (const problem of problems) console.log(`       - ${problem}`);
  };

  record('dependencies are unpacked sub-charts (no download)', checkDependencies(helm, chartDir));
  const topicsFile = path.join(chartDir, 'files', 'topics.json');
  record("files/topics.json is the topic registry's output", checkTopicsFile(repoRoot, topicsFile));
  record('services with a database are those with src/migrate.ts', checkServiceDatabases(repoRoot, SERVICES));
  const topics = JSON.parse(readFileSync(topicsFile, 'utf8'));

  const rendered = [];
  for (const scenario of SCENARIOS) {
    const { problems, manifests, summary } = await checkScenario(helm, chartDir, scenario, topics);
    record(`${scenario.name}: ${summary}`, problems);
    rendered.push(...manifests.map((manifest) => ({ scenario: scenario.name, manifest })));
  }
  record(
    `unknown fields in ${rendered.length} manifests (TypeScript excess-property check)`,
    checkTypes(rendered, repoRoot),
  );

  for (const rejected of REJECTED) {
    const args = valuesArgs(chartDir, [], rejected.set ?? []);
    const result = helm([
      'template',
      rejected.release ?? RELEASE,
      chartDir,
      '--namespace',
      NAMESPACE,
      ...args,
    ]);
    const problems = result.ok
      ? ['rendered without error']
      : rejected.error.test(result.stderr)
        ? []
        : [`wrong error: ${result.stderr.trim()}`];
    record(`rejects ${rejected.name}`, problems);
  }

  const failed = results.filter((r) => r.problems.length).length;
  console.log(`helm-check: ${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

function checkDependencies(helm, chartDir) {
  const result = helm(['dependency', 'list', chartDir]);
  if (!result.ok) return [`helm dependency list failed: ${result.stderr.trim()}`];
  return result.stdout
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() && !line.startsWith('WARNING'))
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns.at(-1) !== 'unpacked')
    .map((columns) => `dependency ${columns[0]} is ${columns.at(-1)}: keep sub-charts unpacked in charts/`);
}

async function checkScenario(helm, chartDir, scenario, topics) {
  const problems = [];
  const args = valuesArgs(chartDir, scenario.values, []);

  const lint = helm(['lint', '--strict', chartDir, '--namespace', NAMESPACE, ...args]);
  if (!lint.ok) problems.push(`helm lint: ${(lint.stdout + lint.stderr).trim()}`);

  const template = helm(['template', RELEASE, chartDir, '--namespace', NAMESPACE, ...args]);
  if (!template.ok)
    return {
      problems: [...problems, `helm template: ${template.stderr.trim()}`],
      manifests: [],
      summary: 'not rendered',
    };

  const manifests = [];
  for (const doc of parseAllDocuments(template.stdout)) {
    if (doc.errors.length) problems.push(`YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    const manifest = doc.toJS();
    if (manifest !== null) manifests.push(manifest);
  }
  for (const manifest of manifests) {
    for (const problem of await validateManifest(manifest)) {
      problems.push(`schema ${manifest.kind}/${manifest.metadata?.name}: ${problem}`);
    }
  }
  if (/bitnami/i.test(template.stdout)) problems.push('rendered output mentions bitnami');
  problems.push(...checkRelease(manifests, scenario.expect, topics));
  return { problems, manifests, summary: `${manifests.length} manifests (${countKinds(manifests)})` };
}

function valuesArgs(chartDir, files, sets) {
  return [
    ...files.flatMap((file) => ['--values', path.join(chartDir, file)]),
    ...sets.flatMap((s) => ['--set', s]),
  ];
}

function countKinds(manifests) {
  const counts = new Map();
  for (const { kind } of manifests) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
}

main().catch((error) => {
  console.error(`helm-check: ${error.stack ?? error}`);
  process.exitCode = 1;
});
