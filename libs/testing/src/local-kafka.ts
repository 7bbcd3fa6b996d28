import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, loadConfig } from '@openretail/config';
import { KafkaMockControl, KafkaMockError, parseHostPort } from './kafka-mock-control';
import { findRepoRoot } from './repo-root';
import { waitFor } from './wait-for';

const START_HINT = 'Start it with: npm run infra:up';

export interface LocalKafka {
  /** Bootstrap brokers, host:port each. */
  brokers: string[];
  control: KafkaMockControl;
}

export interface LocalKafkaOptions {
  /** Environment to read KAFKA_BROKERS / KAFKA_CONTROL from (default process.env). */
  env?: Record<string, string | undefined>;
  /** The launcher's state directory (default <repo>/.run/kafka, where scripts/infra.sh starts it). */
  stateDir?: string;
}

const localKafkaEnv = {
  KAFKA_BROKERS: env.list({ optional: true }),
  KAFKA_CONTROL: env.string({ optional: true }),
};

function readStateFile(stateDir: string, name: string): string | undefined {
  try {
    return readFileSync(join(stateDir, name), 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A launcher that exited but was not reaped yet (zombie) still answers kill(pid, 0).
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

function parseBrokers(list: string[], what: string): string[] {
  return list.map((b) => {
    const { host, port } = parseHostPort(b, what);
    return `${host}:${port}`;
  });
}

/**
 * The shared local Kafka (the kafka-mock cluster of scripts/infra.sh): KAFKA_BROKERS and KAFKA_CONTROL
 * when set, otherwise the state files the launcher wrote under .run/kafka. Throws, saying how to
 * start it, when it is not running. Fault injection (brokerDown, pushErrors) on this cluster hits
 * every test running at the same time: use `startKafkaMock()` for that.
 */
export function localKafka(options: LocalKafkaOptions = {}): LocalKafka {
  const config = loadConfig(localKafkaEnv, options.env ?? process.env);
  let fromState: { brokers: string; control: string } | undefined;
  const state = () =>
    (fromState ??= readLocalState(options.stateDir ?? join(findRepoRoot(), '.run', 'kafka')));
  const brokers = config.KAFKA_BROKERS
    ? parseBrokers(config.KAFKA_BROKERS, 'KAFKA_BROKERS')
    : parseBrokers(state().brokers.split(','), 'kafka-mock bootstraps file');
  const control = new KafkaMockControl(config.KAFKA_CONTROL ?? state().control);
  return { brokers, control };
}

function readLocalState(stateDir: string): { brokers: string; control: string } {
  const pid = Number(readStateFile(stateDir, 'pid'));
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    throw new KafkaMockError(
      `the local Kafka (kafka-mock) is not running: no live process in ${join(stateDir, 'pid')}. ${START_HINT}`,
    );
  }
  const brokers = readStateFile(stateDir, 'bootstraps');
  const control = readStateFile(stateDir, 'control');
  if (!brokers || !control) {
    throw new KafkaMockError(
      `the local Kafka (kafka-mock, pid ${pid}) has not written ${stateDir}/bootstraps and control yet. ${START_HINT}`,
    );
  }
  return { brokers, control };
}

export interface KafkaMockOptions {
  /** Number of brokers, ids 1..N (default 1). */
  brokers?: number;
  /** Topics to create at start: name -> partitions. */
  topics?: Record<string, number>;
  /** The launcher binary (default <repo>/.run/bin/kafka-mock, compiled by scripts/infra.sh up). */
  binary?: string;
}

export interface KafkaMockCluster extends LocalKafka {
  /** Stops the launcher and removes its state directory. */
  stop(): Promise<void>;
}

/**
 * Starts a private kafka-mock cluster for one test file, for fault injection that must not disturb
 * other tests: pushed errors and downed brokers are cluster-wide. Starts in a few milliseconds.
 * The process is killed when the test process exits, should `stop()` be forgotten.
 */
export async function startKafkaMock(options: KafkaMockOptions = {}): Promise<KafkaMockCluster> {
  const binary = options.binary ?? join(findRepoRoot(), '.run', 'bin', 'kafka-mock');
  if (!existsSync(binary)) {
    throw new KafkaMockError(
      `the kafka-mock launcher ${binary} is not built. ${START_HINT} (it compiles it)`,
    );
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'kafka-mock-'));
  const args = ['--brokers', String(options.brokers ?? 1), '--state-dir', stateDir];
  for (const [name, partitions] of Object.entries(options.topics ?? {}))
    args.push('--topic', `${name}:${partitions}`);

  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const cleanUp = () => {
    process.removeListener('exit', killOnExit);
    rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    const brokers = await waitFor(
      () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new KafkaMockError(
            `kafka-mock exited at start (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`,
          );
        }
        return readStateFile(stateDir, 'bootstraps');
      },
      { timeoutMs: 10_000, intervalMs: 10, message: `kafka-mock to write ${stateDir}/bootstraps` },
    );
    const control = new KafkaMockControl(readStateFile(stateDir, 'control') ?? '');
    // Unreferenced: a test process whose tests are done exits, and the 'exit' hook kills the mock.
    child.unref();
    (child.stderr as unknown as { unref(): void }).unref();
    return {
      brokers: parseBrokers(brokers.split(','), 'kafka-mock bootstraps file'),
      control,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.ref(); // an unreferenced child's exit would not keep us waiting for it
          child.kill('SIGTERM');
          await exited;
        }
        cleanUp();
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    cleanUp();
    throw error;
  }
}
