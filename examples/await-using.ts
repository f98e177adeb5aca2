/**
 * `await using`: the lock is released when the scope ends, however it ends.
 *
 *   npx tsx examples/await-using.ts
 */
import { describeStore, openExampleStore, timingsFor } from './support/store.js';

const store = await openExampleStore();
console.log(`on the ${describeStore(store)}`);
const options = timingsFor(store);

async function publishReport(): Promise<void> {
  await using lock = await store.lock('reports/daily', options);
  console.log(`holding reports/daily with fencing token ${lock.fencingToken}`);
  // while we hold it, nobody else gets it
  const rival = store.lock('reports/daily', options);
  console.log(
    `a rival's non-blocking attempt: ${(await rival.acquire({ blocking: false })) ? 'acquired (BUG)' : 'refused'}`,
  );
  await store.putObject('reports/daily.txt', `report written under token ${lock.fencingToken}\n`);
  throw new Error('the report generator failed'); // the lock is still released
}

await publishReport().catch((error: Error) => console.log(`publishReport threw: ${error.message}`));
const left = await store.lockStatus('reports/daily');
console.log(`tickets left after the scope ended: ${left.length}`);
if (left.length !== 0) process.exitCode = 1;
await store.close();
