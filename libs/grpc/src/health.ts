import { connectivityState } from '@grpc/grpc-js';
import type { GrpcClient } from './client';

/** Same shape as the readiness checks of the service runtime: resolves when ready, throws why not. */
export interface ReadinessIndicator {
  name: string;
  check(): Promise<void>;
}

/**
 * Readiness of a client's channel: ready when connected, or when it connects within timeoutMs.
 * Checking it asks an idle channel to connect.
 */
export function grpcClientReady(
  client: Pick<GrpcClient<unknown>, 'channel' | 'address' | 'serviceName'>,
  options: { name?: string; timeoutMs?: number } = {},
): ReadinessIndicator {
  const name = options.name ?? `grpc:${client.serviceName}`;
  const timeoutMs = options.timeoutMs ?? 1000;
  return {
    name,
    check: () =>
      new Promise<void>((resolve, reject) => {
        const channel = client.channel.getChannel();
        if (channel.getConnectivityState(true) === connectivityState.READY) return resolve();
        client.channel.waitForReady(Date.now() + timeoutMs, (error) => {
          if (!error) return resolve();
          const state = connectivityState[channel.getConnectivityState(false)];
          reject(
            new Error(
              `${name}: no connection to ${client.address} within ${timeoutMs} ms (channel ${state})`,
            ),
          );
        });
      }),
  };
}
