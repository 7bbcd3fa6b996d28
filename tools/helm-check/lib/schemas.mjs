// Schema validation of rendered manifests: the Kubernetes OpenAPI schemas of kubernetes-models,
// the Strimzi and CloudNativePG CRD schemas of @kubernetes-models/*, plus the API server's name
// rules that the OpenAPI schemas leave out.

// Model modules by apiVersion; built-in groups follow kubernetes-models' layout.
const CUSTOM_RESOURCE_MODULES = {
  'kafka.strimzi.io/v1beta2': '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2',
  'postgresql.cnpg.io/v1': '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1',
};

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Kinds whose names become DNS labels (Service names are host names).
const DNS_LABEL_KINDS = new Set(['Service']);

/** Module path of the model class for a manifest, e.g. kubernetes-models/apps/v1/Deployment. */
export function modelModule(apiVersion, kind) {
  const base = CUSTOM_RESOURCE_MODULES[apiVersion] ?? `kubernetes-models/${apiVersion}`;
  return `${base}/${kind}`;
}

/** Returns the problems of one manifest (empty when valid). */
export async function validateManifest(manifest) {
  const { apiVersion, kind } = manifest;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind are required'];
  let Model;
  try {
    Model = (await import(modelModule(apiVersion, kind)))[kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return [`no schema for ${apiVersion} ${kind}: add its model package to the check`];

  const problems = [];
  try {
    new Model(manifest).validate();
  } catch (error) {
    problems.push(...String(error.message).split(', '));
  }
  return [...problems, ...nameRules(manifest)];
}

function nameRules(manifest) {
  const problems = [];
  const name = manifest.metadata?.name;
  if (typeof name !== 'string' || !DNS_SUBDOMAIN.test(name) || name.length > 253) {
    problems.push(`metadata.name ${JSON.stringify(name)} is not a DNS subdomain`);
  } else if (DNS_LABEL_KINDS.has(manifest.kind) && (!DNS_LABEL.test(name) || name.length > 63)) {
    problems.push(`metadata.name ${JSON.stringify(name)} is not a DNS label (63 characters at most)`);
  }
  const labelSets = [
    ['metadata.labels', manifest.metadata?.labels],
    ['spec.template.metadata.labels', manifest.spec?.template?.metadata?.labels],
  ];
  for (const [where, labels] of labelSets) {
    for (const [key, value] of Object.entries(labels ?? {})) {
      if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
        problems.push(`${where}.${key}: ${JSON.stringify(value)} is not a valid label value`);
      }
    }
  }
  const containers = manifest.spec?.template?.spec?.containers ?? [];
  for (const container of containers) {
    for (const port of container.ports ?? []) {
      if (port.name !== undefined && (port.name.length > 15 || !PORT_NAME.test(port.name))) {
        problems.push(
          `container ${container.name} port name ${JSON.stringify(port.name)} is not an IANA service name`,
        );
      }
    }
  }
  return problems;
}
