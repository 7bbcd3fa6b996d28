// What the chart takes from the code must match the code: files/topics.json is the topic
// registry's output, and the services with a database are those with a migration entry point.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';

const TOPICS_CLI = 'libs/contracts/dist/cli/topics.js';
const TOPICS_SYNC = 'npm run topics:sync';

/** Problems when `topicsFile` is not exactly what `node libs/contracts/dist/cli/topics.js --json` prints. */
export function checkTopicsFile(repoRoot, topicsFile) {
  const cli = path.join(repoRoot, TOPICS_CLI);
  if (!existsSync(cli)) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-b', 'libs/contracts'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (build.status !== 0 || !existsSync(cli)) {
      return [`tsc -b libs/contracts failed: ${(build.stdout + build.stderr).trim() || `no ${TOPICS_CLI}`}`];
    }
  }
  const run = spawnSync(process.execPath, [cli, '--json'], { cwd: repoRoot, encoding: 'utf8' });
  if (run.status !== 0) return [`node ${TOPICS_CLI} --json failed: ${run.stderr.trim()}`];

  const file = existsSync(topicsFile) ? readFileSync(topicsFile, 'utf8') : null;
  if (file === run.stdout) return [];
  const relative = path.relative(repoRoot, topicsFile);
  const shown = relative.startsWith('..') ? topicsFile : relative;
  return [
    `${shown} differs from the topic registry (node ${TOPICS_CLI} --json)${describeDifference(file, run.stdout)}; ` +
      `regenerate it with \`${TOPICS_SYNC}\` instead of editing it`,
  ];
}

/** Topic-level differences (or why none can be named), as a parenthesised suffix. */
function describeDifference(fileText, registryText) {
  if (fileText === null) return ' (file missing)';
  let file;
  try {
    file = JSON.parse(fileText);
  } catch (error) {
    return ` (not JSON: ${error.message})`;
  }
  if (!Array.isArray(file)) return ' (not a JSON array)';
  const registry = new Map(JSON.parse(registryText).map((t) => [t.name, t]));
  const listed = new Map(file.map((t) => [t?.name, t]));
  const differences = [];
  for (const [name, topic] of registry) {
    const entry = listed.get(name);
    if (!entry) differences.push(`${name} missing`);
    else {
      for (const field of Object.keys(topic)) {
        if (entry[field] !== topic[field])
          differences.push(`${name}.${field} is ${entry[field]}, registry says ${topic[field]}`);
      }
    }
  }
  for (const name of listed.keys())
    if (!registry.has(name)) differences.push(`${name} is not in the registry`);
  return differences.length ? ` (${differences.join('; ')})` : ' (formatting or order)';
}

/** Problems when a service's `database` disagrees with its code having a migration entry point. */
export function checkServiceDatabases(repoRoot, services) {
  const problems = [];
  for (const service of services) {
    const entry = `services/${service.name}/src/migrate.ts`;
    const hasMigrations = existsSync(path.join(repoRoot, entry));
    if (hasMigrations && !service.database)
      problems.push(`${entry} exists but the check expects no database`);
    if (!hasMigrations && service.database)
      problems.push(`${service.name} expects a database but has no ${entry}`);
  }
  return problems;
}
