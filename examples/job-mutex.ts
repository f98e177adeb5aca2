/**
 * A cron-style job mutex: several workers wake up on the same schedule, and the job runs once per
 * period. The lock makes runs mutually exclusive; a marker object written under the lock makes
 * each period's run happen once even when workers wake up late.
 *
 *   npx tsx examples/job-mutex.ts [periods=4] [workers=3]
 */
import { describeStore, openExampleStore, timingsFor } from './support/store.js';

const periods = Number(process.argv[2] ?? 4);
const workers = Number(process.argv[3] ?? 3);
const PERIOD_MS = 1500;

const store = await openExampleStore();
console.log(`${workers} workers, ${periods} periods of ${PERIOD_MS} ms, on the ${describeStore(store)}`);
const runs: { period: number; worker: number; token: number }[] = [];
let running = 0;

async function worker(id: number): Promise<void> {
  for (let period = 1; period <= periods; period++) {
    await new Promise((r) => setTimeout(r, Math.random() * 200)); // workers wake up at slightly different times
    await store.withLock(
      'jobs/nightly',
      async (signal, lock) => {
        const marker = await store.getObject('jobs/nightly.last-period').then(
          (o) => o.text(),
          () => '0',
        );
        if (Number(marker) >= period) return; // someone already ran this period
        if (++running > 1) throw new Error('two runs at once: the mutex failed');
        runs.push({ period, worker: id, token: lock.fencingToken as number });
        await new Promise((r) => setTimeout(r, 100)); // the job
        if (signal.aborted) throw signal.reason; // lost the lock mid-job: stop, do not commit
        await store.putObject('jobs/nightly.last-period', String(period));
        running--;
      },
      timingsFor(store),
    );
    await new Promise((r) => setTimeout(r, PERIOD_MS));
  }
}

await Promise.all(Array.from({ length: workers }, (_, i) => worker(i + 1)));
for (const run of runs)
  console.log(`period ${run.period}: run by worker ${run.worker} under fencing token ${run.token}`);
const once = runs.length === periods && runs.every((r, i) => r.period === i + 1);
console.log(
  once
    ? `every period ran exactly once (${runs.length} runs)`
    : `WRONG: ${runs.length} runs for ${periods} periods`,
);
if (!once) process.exitCode = 1;
await store.deleteObject('jobs/nightly.last-period');
await store.close();
