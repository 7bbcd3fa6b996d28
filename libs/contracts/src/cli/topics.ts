/**
 * Prints the topic registry for tooling: `name:partitions` per line (the local broker launcher),
 * or `--json` (the Helm chart's files/topics.json).
 */
import { allTopics } from '../topics';

const topics = allTopics();
if (process.argv.includes('--json')) {
  const rows = topics.map((t) => ({ name: t.name, partitions: t.partitions, retentionMs: t.retentionMs }));
  process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
} else {
  process.stdout.write(topics.map((t) => `${t.name}:${t.partitions}`).join('\n') + '\n');
}
