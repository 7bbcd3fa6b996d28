import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { findRepoRoot } from '@openretail/testing';

/** A service running as a real process, so that a test can kill it without any chance to clean up. */
export interface ServiceProcess {
  child: ChildProcess;
  grpcPort: number;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Starts services/<name>/dist/main.js and resolves when it logs that it started. */
export async function startServiceProcess(
  name: string,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(findRepoRoot(), `services/${name}/dist/main.js`)], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! });
  const grpcPort = await new Promise<number>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`${name} exited with ${code} before it started`)));
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; grpcPort?: number };
      if (entry.msg === `${name} started` && entry.grpcPort) resolve(entry.grpcPort);
    });
  });
  return { child, grpcPort, exited };
}

/** SIGKILL: no shutdown hooks, no flushing, like a node that loses power. */
export async function killHard(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGKILL');
  await service.exited;
}

/** A TCP port nobody listens on right now, for a process that must come back on the same port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
