// Listing cost versus the number of objects under the prefix (ListObjectsV2, every page).
import { runChild } from './lib/child.mjs';
import { PEERS } from './lib/peers.mjs';
import { summarize } from './lib/stats.mjs';

export async function run(ctx) {
  const counts = ctx.quick ? [10, 100, 1000] : [10, 100, 1000, 10_000];
  const reps = ctx.quick ? 3 : 5;
  const sets = [];
  for (const count of counts) {
    const prefix = `bench/list/${count}/`;
    await fill(ctx.setup, prefix, count);
    sets.push({ count, prefix });
  }
  const raw = Object.fromEntries(PEERS.map((p) => [p, []]));
  for (let i = 0; i < 2; i++) {
    for (const peer of PEERS) {
      raw[peer].push(await runChild('list.mjs', { peer, s3: ctx.s3, oursDir: ctx.oursDir, sets, reps }));
    }
  }
  ctx.log(`list: prefixes of ${counts.join(', ')} objects, ${2 * reps} listings each per peer`);
  const out = { counts };
  for (const peer of PEERS) {
    out[peer] = {};
    for (const count of counts) {
      const runs = raw[peer].flatMap((r) => r[count]);
      out[peer][count] = {
        ms: summarize(runs.map((r) => r.wallMs)),
        cpuUsPerKey: summarize(runs.map((r) => r.cpuUs / count)),
      };
    }
  }
  return out;
}

/** Writes `count` empty objects under `prefix`, 32 at a time. */
async function fill(session, prefix, count) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        const i = next++;
        await session.putObject(`${prefix}${String(i).padStart(6, '0')}`, '');
      }
    }),
  );
}
