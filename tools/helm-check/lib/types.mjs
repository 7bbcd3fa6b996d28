// Unknown-field check. The JSON schemas of kubernetes-models accept unknown properties, so a
// misspelt field (readOnlyRootFileSystem) would pass them and be dropped by the API server.
// The packages' TypeScript interfaces are exact, so the rendered manifests are written as typed
// object literals into one in-memory module and TypeScript's excess-property check reports them
// (the first unknown field of each manifest: TypeScript stops at the first mismatch).
import path from 'node:path';
import ts from 'typescript';
import { modelModule } from './schemas.mjs';

/** @param rendered [{ scenario, manifest }]; returns problems naming scenario and object. */
export function checkTypes(rendered, repoRoot) {
  const fileName = path.join(repoRoot, 'tools', 'helm-check', '.rendered-manifests.mts');
  const imports = new Map();
  const body = [];
  // Line range of each manifest in the body, to name the object a diagnostic is about.
  const ranges = [];
  for (const { scenario, manifest } of rendered) {
    const module = modelModule(manifest.apiVersion, manifest.kind);
    if (!imports.has(module)) imports.set(module, `T${imports.size}`);
    const lines =
      `const m${ranges.length}: ${imports.get(module)} = ${JSON.stringify(manifest, null, 1)};`.split('\n');
    ranges.push({
      from: body.length,
      to: body.length + lines.length - 1,
      label: `${scenario}: ${manifest.kind}/${manifest.metadata?.name}`,
    });
    body.push(...lines);
  }
  const header = [...imports].map(([module, alias]) => {
    const kind = module.slice(module.lastIndexOf('/') + 1);
    return `import type { I${kind} as ${alias} } from '${module}';`;
  });
  const source = [...header, ...body].join('\n');

  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, source, ts.ScriptTarget.ES2022, true)
      : getSourceFile.call(host, name, ...rest);
  host.fileExists = (name) => name === fileName || fileExists.call(host, name);
  host.readFile = (name) => (name === fileName ? source : readFile.call(host, name));

  const program = ts.createProgram([fileName], options, host);
  const sourceFile = program.getSourceFile(fileName);
  const diagnostics = [
    ...program.getSyntacticDiagnostics(sourceFile),
    ...program.getSemanticDiagnostics(sourceFile),
  ];

  return diagnostics.map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.start === undefined) return message;
    const at = sourceFile.getLineAndCharacterOfPosition(diagnostic.start).line - header.length;
    const label = ranges.find((r) => at >= r.from && at <= r.to)?.label ?? `line ${at + 1}`;
    return `${label}: ${message}`;
  });
}
