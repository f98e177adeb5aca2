/**
 * Reader/writer coordination of a dataset in a bucket: many readers hold a shared lock at once; a
 * writer takes the exclusive lock to replace the dataset's two files together. Readers check that
 * they never see the files from two different versions (a torn read).
 *
 *   npx tsx examples/reader-writer.ts [versions=5] [readers=4]
 */
import { describeStore, openExampleStore, timingsFor } from './support/store.js';

const versions = Number(process.argv[2] ?? 5);
const readers = Number(process.argv[3] ?? 4);
const store = await openExampleStore();
const options = timingsFor(store);
console.log(`1 writer, ${readers} readers, ${versions} versions, on the ${describeStore(store)}`);

await store.putObject('dataset/header.json', JSON.stringify({ version: 0 }));
await store.putObject('dataset/rows.json', JSON.stringify({ version: 0, rows: [] }));
let done = false;
let reads = 0;
let concurrentReaders = 0;
let maxConcurrentReaders = 0;
/**
 * How long a reader spends reading: longer than a poll interval, so readers that waited for the
 * writer together (each polls once per interval) are inside the shared lock at the same time.
 */
const readMs = options.pollIntervalMs + 200;

async function writer(): Promise<void> {
  for (let version = 1; version <= versions; version++) {
    await store.withLock(
      'dataset',
      async () => {
        await store.putObject('dataset/header.json', JSON.stringify({ version }));
        await new Promise((r) => setTimeout(r, 50)); // a reader without the lock would see the tear now
        await store.putObject('dataset/rows.json', JSON.stringify({ version, rows: [version] }));
      },
      options,
    );
    console.log(`writer published version ${version}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  done = true;
}

async function reader(): Promise<void> {
  while (!done) {
    await store.withLock(
      'dataset',
      async () => {
        maxConcurrentReaders = Math.max(maxConcurrentReaders, ++concurrentReaders);
        const header = await (await store.getObject('dataset/header.json')).json<{ version: number }>();
        await new Promise((r) => setTimeout(r, readMs));
        const rows = await (await store.getObject('dataset/rows.json')).json<{ version: number }>();
        concurrentReaders--;
        if (header.version !== rows.version)
          throw new Error(`torn read: header ${header.version}, rows ${rows.version}`);
        reads++;
      },
      { ...options, mode: 'shared' },
    );
  }
}

await Promise.all([writer(), ...Array.from({ length: readers }, reader)]);
console.log(`${reads} consistent reads, up to ${maxConcurrentReaders} readers at once, no torn read`);
for await (const o of store.listObjects({ prefix: 'dataset/' })) await store.deleteObject(o.key);
await store.close();
