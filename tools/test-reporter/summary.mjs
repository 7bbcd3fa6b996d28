/**
 * node:test reporter that closes the run with one plain line, `N passed, N failed[, N skipped]`.
 *
 * Counts leaf tests only: a suite or a test with subtests is a container, so its children are what
 * passed or failed. A container that failed for a reason of its own (a hook threw, its body threw
 * after the subtests passed) while none of its children failed still counts once, so the line never
 * says "0 failed" for a failing run. Skipped and todo tests are counted as skipped. Failures are listed
 * (name, file, error) just before the line, which is always the last thing this reporter prints.
 */
import { relative } from 'node:path';

/** Per-file tracking of the nesting levels, so a parent learns whether it had children. */
class FileState {
  constructor() {
    this.hadChild = [];
    this.childFailed = [];
  }

  /** Records an event at `nesting`; returns whether it is a leaf and whether a descendant failed. */
  close(nesting, failed) {
    const leaf = !this.hadChild[nesting + 1];
    const descendantFailed = Boolean(this.childFailed[nesting + 1]);
    this.hadChild[nesting + 1] = false;
    this.childFailed[nesting + 1] = false;
    this.hadChild[nesting] = true;
    this.childFailed[nesting] = this.childFailed[nesting] || failed || descendantFailed;
    return { leaf, descendantFailed };
  }
}

function errorText(error) {
  if (!error) return 'failed';
  // The runner wraps what the test threw: the cause is the assertion or error a person wrote.
  const inner = error.cause ?? error;
  const message = inner?.message ?? String(inner);
  const code = inner?.code && inner.code !== 'ERR_TEST_FAILURE' ? ` [${inner.code}]` : '';
  return String(message).trim() + code;
}

function indent(text, prefix) {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

export default async function* summary(source) {
  const files = new Map();
  const failures = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;

  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    const key = data.file ?? '';
    if (!files.has(key)) files.set(key, new FileState());
    const isFail = event.type === 'test:fail' && !data.todo && !data.skip;
    const { leaf, descendantFailed } = files.get(key).close(data.nesting, isFail);
    const isSuite = data.details?.type === 'suite';
    const ownFailure = isFail && data.details?.error?.failureType !== 'subtestsFailed';

    if (leaf && !isSuite) {
      if (data.skip || data.todo) skipped++;
      else if (isFail) failed++;
      else passed++;
    } else if (ownFailure && !descendantFailed) {
      failed++;
    }
    if (ownFailure && (leaf || !descendantFailed || data.details?.error?.failureType === 'hookFailed')) {
      failures.push({ name: data.name, file: data.file, error: errorText(data.details?.error) });
    }
  }

  // Other reporters (spec) print their closing output when the stream ends too; two turns of the
  // event loop let them finish, so this line stays the last one.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));

  let out = '';
  if (failures.length > 0) {
    out += `\nFailed tests (${failures.length}):\n`;
    for (const f of failures) {
      const where = f.file ? ` (${relative(process.cwd(), f.file)})` : '';
      out += `  ✖ ${f.name}${where}\n${indent(f.error, '      ')}\n`;
    }
    out += '\n';
  }
  out += `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`;
  yield out;
}
