import { connect } from 'node:net';

/** Kafka protocol API keys, for `pushErrors` / `clearErrors`. */
export const KafkaApi = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ApiVersions: 18,
  CreateTopics: 19,
  InitProducerId: 22,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
} as const;
export type KafkaApiKey = (typeof KafkaApi)[keyof typeof KafkaApi];

/** Kafka protocol error codes that tests inject. */
export const KafkaErrorCode = {
  UNKNOWN_SERVER_ERROR: -1,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  BROKER_NOT_AVAILABLE: 8,
  MESSAGE_TOO_LARGE: 10,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_AUTHORIZATION_FAILED: 29,
} as const;
export type KafkaErrorCodeValue = (typeof KafkaErrorCode)[keyof typeof KafkaErrorCode];

/** The mock answered `ERR ...`, or could not be reached. */
export class KafkaMockError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KafkaMockError';
  }
}

export interface HostPort {
  host: string;
  port: number;
}

/** Parses `host:port`; `what` names the source (a variable, a file) in the error. */
export function parseHostPort(value: string, what: string): HostPort {
  const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) {
    throw new KafkaMockError(`${what}: must be host:port with a port from 1 to 65535, got '${value}'`);
  }
  return { host: match[1], port };
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
// The launcher splits a command line into at most 64 words.
const MAX_PUSHED_ERRORS = 62;

function integer(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/**
 * Client of the kafka-mock control port (deploy/local/kafka-mock): one line per command, answered
 * by `OK ...` or `ERR reason`. Each command uses its own short connection, so the client holds
 * nothing open that could keep a test process alive.
 */
export class KafkaMockControl {
  readonly address: string;
  private readonly endpoint: HostPort;

  constructor(
    address: string,
    private readonly timeoutMs = 5000,
  ) {
    this.endpoint = parseHostPort(address, 'kafka-mock control address');
    this.address = `${this.endpoint.host}:${this.endpoint.port}`;
  }

  async ping(): Promise<void> {
    await this.send('ping');
  }

  /** The cluster's bootstrap brokers. */
  async bootstraps(): Promise<string[]> {
    return (await this.send('bootstraps')).split(',');
  }

  /** Creates a topic (replication factor 1); rejects when it exists already. */
  async createTopic(name: string, partitions: number): Promise<void> {
    if (!TOPIC_NAME.test(name)) {
      throw new RangeError(
        `topic name must be 1-249 characters of A-Z, a-z, 0-9, '.', '_' or '-', got '${name}'`,
      );
    }
    await this.send(`topic-create ${name} ${integer('partitions', partitions, 1, 1000)}`);
  }

  /** Takes a broker (id 1..N) down: its connections close and it answers no more requests. */
  async brokerDown(brokerId: number): Promise<void> {
    await this.send(`broker-down ${integer('brokerId', brokerId, 1, 1000)}`);
  }

  async brokerUp(brokerId: number): Promise<void> {
    await this.send(`broker-up ${integer('brokerId', brokerId, 1, 1000)}`);
  }

  /** Delays every answer of a broker by `ms` (0 removes the delay). */
  async brokerRtt(brokerId: number, ms: number): Promise<void> {
    await this.send(`broker-rtt ${integer('brokerId', brokerId, 1, 1000)} ${integer('ms', ms, 0, 600_000)}`);
  }

  /** The next requests of that API, from any client, fail with these error codes, in order. */
  async pushErrors(apiKey: KafkaApiKey | number, errorCodes: readonly number[]): Promise<void> {
    if (errorCodes.length < 1 || errorCodes.length > MAX_PUSHED_ERRORS) {
      throw new RangeError(`errorCodes must list 1 to ${MAX_PUSHED_ERRORS} codes, got ${errorCodes.length}`);
    }
    const codes = errorCodes.map((c, i) => integer(`errorCodes[${i}]`, c, -1, 32767));
    await this.send(`push-errors ${integer('apiKey', apiKey, 0, 32767)} ${codes.join(' ')}`);
  }

  /** Drops the errors still queued for that API. */
  async clearErrors(apiKey: KafkaApiKey | number): Promise<void> {
    await this.send(`clear-errors ${integer('apiKey', apiKey, 0, 32767)}`);
  }

  /** Sends one command line; resolves with the text after `OK`, rejects on `ERR`. */
  send(command: string): Promise<string> {
    const { host, port } = this.endpoint;
    return new Promise((resolve, reject) => {
      if (/[\r\n]/.test(command)) return reject(new RangeError('a control command is one line'));
      const socket = connect({ host, port });
      let buffer = '';
      let settled = false;
      const finish = (error: Error | undefined, answer?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (error) reject(error);
        else resolve(answer ?? '');
      };
      const timer = setTimeout(
        () =>
          finish(
            new KafkaMockError(
              `kafka-mock at ${this.address}: no answer to '${command}' within ${this.timeoutMs} ms`,
            ),
          ),
        this.timeoutMs,
      );
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.write(`${command}\n`));
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        const end = buffer.indexOf('\n');
        if (end < 0) return;
        const line = buffer.slice(0, end).trim();
        if (line === 'OK' || line.startsWith('OK ')) finish(undefined, line.slice(3));
        else finish(new KafkaMockError(`kafka-mock: '${command}' failed: ${line.replace(/^ERR /, '')}`));
      });
      socket.on('error', (error) =>
        finish(
          new KafkaMockError(
            `cannot reach the kafka-mock control port at ${this.address} (${error.message}); is it running? Start it with: npm run infra:up`,
            { cause: error },
          ),
        ),
      );
      socket.on('close', () =>
        finish(
          new KafkaMockError(
            `kafka-mock at ${this.address} closed the connection without answering '${command}'`,
          ),
        ),
      );
    });
  }
}
