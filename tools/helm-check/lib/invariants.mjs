// Platform invariants of a rendered release: what the schemas cannot say about OpenRetail.
// checkRelease(manifests, expect, topics) returns a list of problems (empty when all hold).

export const RELEASE = 'openretail';
export const NAMESPACE = 'openretail';

// The services and their process settings, as the shared conventions define them. `database` is
// null for a service that owns no data (none today; the gateway's database holds its API keys).
export const SERVICES = [
  { name: 'order-gateway', httpPort: 8080, grpcPort: null, database: 'openretail_order_gateway' },
  { name: 'orders', httpPort: 3001, grpcPort: 50051, database: 'openretail_orders' },
  { name: 'customers', httpPort: 3002, grpcPort: 50052, database: 'openretail_customers' },
  { name: 'loyalty', httpPort: 3003, grpcPort: 50053, database: 'openretail_loyalty' },
  { name: 'delivery', httpPort: 3004, grpcPort: 50054, database: 'openretail_delivery' },
  { name: 'messaging', httpPort: 3005, grpcPort: 50055, database: 'openretail_messaging' },
  { name: 'analytics', httpPort: 3006, grpcPort: 50056, database: 'openretail_analytics' },
];

// The gRPC servers each service calls, by the variable that holds the address.
const GRPC_CLIENTS = {
  'order-gateway': { ORDERS_GRPC_URL: 'orders', CUSTOMERS_GRPC_URL: 'customers' },
  customers: { ORDERS_GRPC_URL: 'orders' },
};

const TOPIC_JOB = `${RELEASE}-provision-topics`;

/**
 * @param manifests rendered objects
 * @param expect    { kafka: { provider, brokers, topicPrefix, cluster?, namespace? },
 *                    postgresql: { provider, cluster? }, externalSecrets: string[] }
 * @param topics    entries of files/topics.json
 */
export function checkRelease(manifests, expect, topics) {
  const problems = [];
  const fail = (where, message) => problems.push(`${where}: ${message}`);
  const index = new Map(manifests.map((m) => [key(m.kind, m.metadata?.name), m]));
  const get = (kind, name) => index.get(key(kind, name));

  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  const expectedDeployments = SERVICES.map((s) => `${RELEASE}-${s.name}`);
  const extra = deployments.map((d) => d.metadata.name).filter((n) => !expectedDeployments.includes(n));
  if (extra.length) fail('release', `unexpected Deployments ${extra.join(', ')}`);

  for (const service of SERVICES) {
    checkService(service, { get, fail, expect });
  }
  checkTopics({ manifests, get, fail, expect, topics });
  checkImages(manifests, fail);
  checkReferences(manifests, { get, fail, expect });
  checkSelectors(manifests, fail);
  return problems;
}

function checkService(service, { get, fail, expect }) {
  const name = `${RELEASE}-${service.name}`;
  const deployment = get('Deployment', name);
  const where = `Deployment/${name}`;
  if (!deployment) return fail(where, 'missing');

  const pod = deployment.spec.template.spec;
  const container = pod.containers.find((c) => c.name === service.name);
  if (!container) return fail(where, `no container named ${service.name}`);
  expectEqual(fail, where, 'command', container.command, ['node', `services/${service.name}/dist/main.js`]);

  const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
  expectEqual(fail, where, 'port http', ports.http, service.httpPort);
  expectEqual(fail, where, 'port grpc', ports.grpc, service.grpcPort ?? undefined);

  for (const [probe, path] of [
    ['livenessProbe', '/health/live'],
    ['readinessProbe', '/health/ready'],
    ['startupProbe', '/health/live'],
  ]) {
    const httpGet = container[probe]?.httpGet;
    if (!httpGet) fail(where, `${probe} must be an HTTP GET`);
    else if (httpGet.path !== path || httpGet.port !== 'http') {
      fail(where, `${probe} must GET ${path} on port http, got ${httpGet.path} on ${httpGet.port}`);
    }
  }
  for (const bound of ['requests', 'limits']) {
    for (const resource of ['cpu', 'memory']) {
      if (container.resources?.[bound]?.[resource] === undefined)
        fail(where, `resources.${bound}.${resource} missing`);
    }
  }
  checkHardening(where, pod, container, fail);

  const env = effectiveEnv(container, get);
  expectEqual(fail, where, 'HTTP_PORT', env.get('HTTP_PORT')?.value, String(service.httpPort));
  expectEqual(
    fail,
    where,
    'GRPC_PORT',
    env.get('GRPC_PORT')?.value,
    service.grpcPort ? String(service.grpcPort) : undefined,
  );
  expectEqual(
    fail,
    where,
    'MIGRATE_ON_START',
    env.get('MIGRATE_ON_START')?.value,
    service.database ? 'false' : undefined,
  );
  expectEqual(fail, where, 'KAFKA_IDEMPOTENT_PRODUCER', env.get('KAFKA_IDEMPOTENT_PRODUCER')?.value, 'true');
  expectEqual(
    fail,
    where,
    'KAFKA_CONSUMER_MAX_WAIT_MS (real-Kafka default)',
    env.get('KAFKA_CONSUMER_MAX_WAIT_MS'),
    undefined,
  );
  expectEqual(fail, where, 'KAFKA_BROKERS', env.get('KAFKA_BROKERS')?.value, expect.kafka.brokers);
  expectEqual(
    fail,
    where,
    'KAFKA_TOPIC_PREFIX',
    env.get('KAFKA_TOPIC_PREFIX')?.value,
    expect.kafka.topicPrefix,
  );
  expectEqual(fail, where, 'OTEL_SERVICE_NAME', env.get('OTEL_SERVICE_NAME')?.value, service.name);
  if (!env.get('OTEL_RESOURCE_ATTRIBUTES')?.value) fail(where, 'OTEL_RESOURCE_ATTRIBUTES missing');
  checkDatabaseEnv(where, service, env, expect, fail);

  // Each gRPC client points at the Service of this release that serves it, on its gRPC port.
  for (const [variable, target] of Object.entries(GRPC_CLIENTS[service.name] ?? {})) {
    const server = SERVICES.find((s) => s.name === target);
    expectEqual(fail, where, variable, env.get(variable)?.value, `${RELEASE}-${target}:${server.grpcPort}`);
  }

  checkK8sService(service, deployment, get, fail);
  if (!service.database) return checkNoDatabase(service, get, fail);
  checkMigrationJob(service, env, get, fail, expect);
  if (expect.postgresql.provider === 'cloudnativepg') {
    const database = get('Database', name);
    if (!database) fail(`Database/${name}`, 'missing (cloudnativepg provider)');
    else {
      expectEqual(fail, `Database/${name}`, 'spec.name', database.spec.name, service.database);
      expectEqual(
        fail,
        `Database/${name}`,
        'spec.cluster.name',
        database.spec.cluster?.name,
        expect.postgresql.cluster,
      );
      checkHookBefore(`Database/${name}`, database, get('Job', `${name}-migrate`), fail);
    }
  } else if (get('Database', name)) {
    fail(`Database/${name}`, 'rendered although postgresql.provider is external');
  }
}

function checkHardening(where, pod, container, fail) {
  if (pod.securityContext?.runAsNonRoot !== true)
    fail(where, 'pod securityContext.runAsNonRoot must be true');
  const sc = container.securityContext ?? {};
  if (sc.readOnlyRootFilesystem !== true)
    fail(where, `container ${container.name}: readOnlyRootFilesystem must be true`);
  if (sc.allowPrivilegeEscalation !== false)
    fail(where, `container ${container.name}: allowPrivilegeEscalation must be false`);
}

function checkDatabaseEnv(where, service, env, expect, fail) {
  if (!service.database) {
    for (const name of [
      'DATABASE_URL',
      'DATABASE_POOL_MAX',
      'OPENRETAIL_DB_USERNAME',
      'OPENRETAIL_DB_PASSWORD',
    ]) {
      if (env.has(name)) fail(where, `${name} set although ${service.name} owns no database`);
    }
    return;
  }
  const url = env.get('DATABASE_URL');
  if (!url) return fail(where, 'DATABASE_URL missing');
  if (expect.postgresql.provider === 'external') {
    if (!url.valueFrom?.secretKeyRef) fail(where, 'DATABASE_URL must come from a Secret');
    return;
  }
  const suffix = `@${expect.postgresql.cluster}-rw:5432/${service.database}`;
  if (
    !url.value?.startsWith('postgres://$(OPENRETAIL_DB_USERNAME):$(OPENRETAIL_DB_PASSWORD)') ||
    !url.value.includes(suffix)
  ) {
    fail(
      where,
      `DATABASE_URL must be built from the CNPG credentials and end in ${suffix}..., got ${url.value}`,
    );
  }
  for (const name of ['OPENRETAIL_DB_USERNAME', 'OPENRETAIL_DB_PASSWORD']) {
    if (!env.get(name)?.valueFrom?.secretKeyRef) fail(where, `${name} must come from a Secret`);
  }
}

function checkK8sService(service, deployment, get, fail) {
  const name = `${RELEASE}-${service.name}`;
  const where = `Service/${name}`;
  const svc = get('Service', name);
  if (!svc) return fail(where, 'missing');
  const ports = Object.fromEntries(svc.spec.ports.map((p) => [p.name, p]));
  expectEqual(
    fail,
    where,
    'http port',
    [ports.http?.port, ports.http?.targetPort],
    [service.httpPort, 'http'],
  );
  if (service.grpcPort) {
    expectEqual(
      fail,
      where,
      'grpc port',
      [ports.grpc?.port, ports.grpc?.targetPort],
      [service.grpcPort, 'grpc'],
    );
  } else if (ports.grpc) {
    fail(where, 'exposes grpc although the service has no gRPC server');
  }
  if (!matches(svc.spec.selector, deployment.spec.template.metadata.labels)) {
    fail(where, `selector ${JSON.stringify(svc.spec.selector)} does not select the Deployment's pods`);
  }
}

/** A service without a database gets no migration Job, CNPG Database or database Secret. */
function checkNoDatabase(service, get, fail) {
  const name = `${RELEASE}-${service.name}`;
  for (const [kind, resource] of [
    ['Job', `${name}-migrate`],
    ['Database', name],
    ['Secret', `${name}-database`],
  ]) {
    if (get(kind, resource))
      fail(`${kind}/${resource}`, `rendered although ${service.name} owns no database`);
  }
}

function checkMigrationJob(service, deploymentEnv, get, fail, expect) {
  const name = `${RELEASE}-${service.name}-migrate`;
  const where = `Job/${name}`;
  const job = get('Job', name);
  if (!job) return fail(where, 'missing');
  checkJob(where, job, ['node', `services/${service.name}/dist/migrate.js`], fail);
  const container = job.spec.template.spec.containers[0];
  const env = effectiveEnv(container, get);
  const dbVars =
    expect.postgresql.provider === 'cloudnativepg'
      ? ['OPENRETAIL_DB_USERNAME', 'OPENRETAIL_DB_PASSWORD', 'DATABASE_URL']
      : ['DATABASE_URL'];
  for (const variable of dbVars) {
    expectEqual(
      fail,
      where,
      `${variable} (same as the Deployment)`,
      env.get(variable),
      deploymentEnv.get(variable),
    );
  }
}

/** A pre-install/pre-upgrade hook Job with retries, TTL and the expected command. */
function checkJob(where, job, command, fail) {
  const hooks = (job.metadata.annotations?.['helm.sh/hook'] ?? '').split(',');
  for (const hook of ['pre-install', 'pre-upgrade']) {
    if (!hooks.includes(hook)) fail(where, `must be a ${hook} hook`);
  }
  if (!Number.isInteger(job.spec.backoffLimit)) fail(where, 'backoffLimit missing');
  if (!Number.isInteger(job.spec.ttlSecondsAfterFinished)) fail(where, 'ttlSecondsAfterFinished missing');
  const pod = job.spec.template.spec;
  expectEqual(fail, where, 'command', pod.containers[0]?.command, command);
  checkHardening(where, pod, pod.containers[0] ?? {}, fail);
}

function checkTopics({ manifests, get, fail, expect, topics }) {
  const expected = topics.map((t) => ({ ...t, name: `${expect.kafka.topicPrefix}${t.name}` }));
  const kafkaTopics = manifests.filter((m) => m.kind === 'KafkaTopic');
  const job = get('Job', TOPIC_JOB);

  if (expect.kafka.provider === 'external') {
    if (kafkaTopics.length) fail('KafkaTopic', 'rendered although kafka.provider is external');
    if (!job) return fail(`Job/${TOPIC_JOB}`, 'missing (kafka.provider external)');
    const where = `Job/${TOPIC_JOB}`;
    checkJob(where, job, ['node', 'libs/messaging/dist/cli/provision-topics.js'], fail);
    const env = effectiveEnv(job.spec.template.spec.containers[0], get);
    expectEqual(fail, where, 'KAFKA_BROKERS', env.get('KAFKA_BROKERS')?.value, expect.kafka.brokers);
    if (!env.get('TOPIC_REPLICATION_FACTOR')?.value) fail(where, 'TOPIC_REPLICATION_FACTOR missing');
    const listed = (job.metadata.annotations?.['openretail.io/topics'] ?? '').split(',').filter(Boolean);
    expectEqual(fail, where, 'topics (files/topics.json)', listed.sort(), expected.map((t) => t.name).sort());
    return;
  }

  if (job) fail(`Job/${TOPIC_JOB}`, 'rendered although kafka.provider is strimzi');
  const byTopic = new Map(kafkaTopics.map((t) => [t.spec?.topicName, t]));
  for (const topic of expected) {
    const resource = byTopic.get(topic.name);
    const where = `KafkaTopic ${topic.name}`;
    if (!resource) {
      fail(where, 'missing (files/topics.json lists it)');
      continue;
    }
    expectEqual(fail, where, 'partitions', resource.spec.partitions, topic.partitions);
    if (topic.retentionMs !== undefined) {
      expectEqual(
        fail,
        where,
        'config retention.ms',
        Number(resource.spec.config?.['retention.ms']),
        topic.retentionMs,
      );
    }
    expectEqual(
      fail,
      where,
      'label strimzi.io/cluster',
      resource.metadata.labels?.['strimzi.io/cluster'],
      expect.kafka.cluster,
    );
    expectEqual(fail, where, 'namespace', resource.metadata.namespace, expect.kafka.namespace);
  }
  const unexpected = [...byTopic.keys()].filter((name) => !expected.some((t) => t.name === name));
  if (unexpected.length) fail('KafkaTopic', `not in files/topics.json: ${unexpected.join(', ')}`);
}

function checkImages(manifests, fail) {
  const images = new Set();
  for (const m of manifests) {
    const pod = m.spec?.template?.spec;
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      if (/bitnami/i.test(c.image)) fail(`${m.kind}/${m.metadata.name}`, `uses a Bitnami image ${c.image}`);
      images.add(c.image);
    }
  }
  if (images.size > 1) fail('release', `expected the one platform image, found ${[...images].join(', ')}`);
}

/**
 * ConfigMaps must be rendered; Secrets rendered or in expect.externalSecrets (and every listed
 * external Secret used). Hook Jobs may only use rendered objects that are hooks created before them.
 */
function checkReferences(manifests, { get, fail, expect }) {
  const externalUsed = new Set();
  for (const m of manifests) {
    const pod = m.spec?.template?.spec;
    if (!pod) continue;
    const where = `${m.kind}/${m.metadata.name}`;
    for (const { kind, name } of podReferences(pod)) {
      const target = get(kind, name);
      if (!target) {
        if (kind === 'Secret' && expect.externalSecrets.includes(name)) externalUsed.add(name);
        else
          fail(
            where,
            `references ${kind} ${name}, which is neither rendered nor an expected external Secret`,
          );
      } else if (isHook(m)) {
        checkHookBefore(`${kind}/${name}`, target, m, fail);
      }
    }
    if (isHook(m) && pod.serviceAccountName && pod.serviceAccountName !== 'default') {
      fail(
        where,
        `a hook must not use ServiceAccount ${pod.serviceAccountName}: it does not exist yet on install`,
      );
    }
  }
  const unused = expect.externalSecrets.filter((name) => !externalUsed.has(name));
  if (unused.length) fail('release', `expected external Secrets not referenced: ${unused.join(', ')}`);
}

function podReferences(pod) {
  const refs = [];
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef) refs.push({ kind: 'ConfigMap', name: from.configMapRef.name });
      if (from.secretRef) refs.push({ kind: 'Secret', name: from.secretRef.name });
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef)
        refs.push({ kind: 'ConfigMap', name: e.valueFrom.configMapKeyRef.name });
      if (e.valueFrom?.secretKeyRef) refs.push({ kind: 'Secret', name: e.valueFrom.secretKeyRef.name });
    }
  }
  for (const v of pod.volumes ?? []) {
    if (v.configMap) refs.push({ kind: 'ConfigMap', name: v.configMap.name });
    if (v.secret) refs.push({ kind: 'Secret', name: v.secret.secretName });
  }
  return refs;
}

/** `dependency` must exist before the hook `dependent` runs: a hook of a lower weight. */
function checkHookBefore(where, dependency, dependent, fail) {
  if (!dependent) return;
  if (!isHook(dependency)) {
    fail(
      where,
      `used by hook ${dependent.kind}/${dependent.metadata.name} but is not a hook (created after it)`,
    );
  } else if (hookWeight(dependency) >= hookWeight(dependent)) {
    fail(where, `hook weight must be lower than that of ${dependent.kind}/${dependent.metadata.name}`);
  }
}

/** Service selectors must not pick Job pods (they would receive traffic while running). */
function checkSelectors(manifests, fail) {
  const jobs = manifests.filter((m) => m.kind === 'Job');
  for (const svc of manifests.filter((m) => m.kind === 'Service')) {
    for (const job of jobs) {
      if (matches(svc.spec.selector, job.spec.template.metadata?.labels)) {
        fail(`Service/${svc.metadata.name}`, `selector also selects the pods of Job/${job.metadata.name}`);
      }
    }
  }
}

/** Env of a container as the kubelet sees it: envFrom ConfigMaps, then env entries. */
function effectiveEnv(container, get) {
  const env = new Map();
  for (const from of container.envFrom ?? []) {
    const data = from.configMapRef ? get('ConfigMap', from.configMapRef.name)?.data : undefined;
    for (const [name, value] of Object.entries(data ?? {})) env.set(name, { name, value });
  }
  for (const entry of container.env ?? []) env.set(entry.name, entry);
  return env;
}

const key = (kind, name) => `${kind}/${name}`;
const isHook = (m) => Boolean(m.metadata.annotations?.['helm.sh/hook']);
const hookWeight = (m) => Number.parseInt(m.metadata.annotations?.['helm.sh/hook-weight'] ?? '0', 10);
const matches = (selector, labels) =>
  Object.keys(selector ?? {}).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function expectEqual(fail, where, what, actual, expected) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    fail(where, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
