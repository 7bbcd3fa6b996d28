import { env } from '@openretail/config';

/** Client-side variables; spread into the service's config shape. */
export const grpcClientConfig = {
  GRPC_DEADLINE_MS: env.int({ min: 1, max: 600_000, default: 5000 }),
};

/** Server-side variables; each service has its own default port. */
export function grpcServerConfig(defaultPort: number) {
  // 0 binds an ephemeral port (tests start several services in one process).
  return { GRPC_PORT: env.int({ min: 0, max: 65535, default: defaultPort }) };
}
