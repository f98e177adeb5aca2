/**
 * A child process of the FileSession race tests (bundled with esbuild and run by plain node):
 *
 *   node race-child.mjs create  <root> <startAtMs> <id> <key…>   create-only put of each key, prints wins
 *   node race-child.mjs rewrite <root> <startAtMs> <id> <key> <n> n plain puts, body and metadata matching
 *   node race-child.mjs read    <root> <startAtMs> <id> <key> <n> n gets, prints torn reads found
 *
 * Prints one JSON line on stdout.
 */
import { createHash, randomBytes } from 'node:crypto';
import { FileSession, PreconditionFailedError } from '../../../../src/index.js';

const [mode, root, startAt, id, ...rest] = process.argv.slice(2);
const store = new FileSession({ root: root as string });
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

// start together, to make the race as tight as process start-up allows
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));

if (mode === 'create') {
  const won: string[] = [];
  for (const key of rest) {
    try {
      await store.putObject(key, `${id}`, { ifNoneMatch: '*' });
      won.push(key);
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  process.stdout.write(`${JSON.stringify({ id, won })}\n`);
} else if (mode === 'rewrite') {
  const [key, n] = rest;
  for (let i = 0; i < Number(n); i++) {
    const body = randomBytes(1 + Math.floor(Math.random() * 20_000));
    await store.putObject(key as string, body, { metadata: { sum: md5(body), writer: `${id}` } });
  }
  process.stdout.write(`${JSON.stringify({ id, wrote: Number(n) })}\n`);
} else if (mode === 'read') {
  const [key, n] = rest;
  let torn = 0;
  let read = 0;
  for (let i = 0; i < Number(n); i++) {
    const got = await store.getObject(key as string).catch(() => undefined);
    if (!got) continue;
    const body = await got.bytes();
    read++;
    if (md5(body) !== got.etag || got.metadata.sum !== got.etag || body.length !== got.size) torn++;
  }
  process.stdout.write(`${JSON.stringify({ id, read, torn })}\n`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
