import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Options shared by code generation (scripts/codegen.mjs) and runtime loading, so generated types
 * describe exactly the objects grpc-js produces: int64 as decimal strings (no precision loss beyond
 * 2^53), enums as their names, defaults filled in, virtual oneof fields, camelCase field names.
 */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const satisfies protoLoader.Options;

/**
 * The repository's proto/ folder. From libs/grpc/dist it is three levels up, which also holds in an
 * image that ships proto/ next to libs/.
 */
export const DEFAULT_PROTO_ROOT = path.resolve(__dirname, '../../../proto');

export interface LoadProtoOptions {
  /** Folder that import paths are relative to; defaults to the repository's proto/. */
  protoRoot?: string;
}

/**
 * Loads .proto files (paths relative to the proto root, e.g. 'openretail/orders/v1/orders.proto')
 * into a grpc-js package object. Pass the generated ProtoGrpcType as T for a typed result.
 */
export function loadProto<T = grpc.GrpcObject>(
  files: string | readonly string[],
  options: LoadProtoOptions = {},
): T {
  const protoRoot = options.protoRoot ?? DEFAULT_PROTO_ROOT;
  const list = typeof files === 'string' ? [files] : [...files];
  for (const file of list) {
    if (!fs.existsSync(path.resolve(protoRoot, file))) {
      throw new Error(`loadProto: ${file} not found under proto root ${protoRoot}`);
    }
  }
  const definition = protoLoader.loadSync(list, { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot] });
  return grpc.loadPackageDefinition(definition) as unknown as T;
}
