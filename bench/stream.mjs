// Streaming a large object up and down (1 GiB; 64 MiB with --quick): throughput, client CPU and
// peak RSS, each transfer in a fresh process. Uploads send a stream of known length as one PUT
// (minio splits it into parts itself).
import { runChild } from './lib/child.mjs';
import { PEERS } from './lib/peers.mjs';
import { collectGarbage } from './lib/s3env.mjs';
import { summarize } from './lib/stats.mjs';

export async function run(ctx) {
  const sizeBytes = (ctx.quick ? 64 : 1024) * 2 ** 20;
  const reps = ctx.quick ? 2 : 3;
  const raw = {};
  for (const peer of PEERS) raw[peer] = { up: [], down: [] };
  for (let i = 0; i < reps; i++) {
    for (const peer of PEERS) {
      const key = `bench/stream/${peer}`;
      for (const direction of ['up', 'down']) {
        const input = { peer, s3: ctx.s3, oursDir: ctx.oursDir, direction, key, sizeBytes };
        raw[peer][direction].push(await runChild('stream.mjs', input));
      }
      // memstore keeps deleted data until garbage collection: free it before the next GiB arrives
      await ctx.setup.deleteObject(key);
      await collectGarbage(ctx.cephConf);
    }
  }
  const idle = {};
  for (const peer of [undefined, ...PEERS]) {
    const runs = [];
    for (let i = 0; i < 3; i++)
      runs.push((await runChild('idle.mjs', { peer, s3: ctx.s3, oursDir: ctx.oursDir })).maxRssKiB);
    idle[peer ?? 'node'] = summarize(runs.map((k) => k / 1024));
  }
  ctx.log(`stream: ${reps} × ${sizeBytes / 2 ** 20} MiB up and down per peer`);
  const out = { sizeBytes, reps, idleRssMiB: idle };
  for (const peer of PEERS) {
    out[peer] = {};
    for (const direction of ['up', 'down']) {
      const runs = raw[peer][direction];
      out[peer][direction] = {
        mibPerSec: summarize(runs.map((r) => sizeBytes / 2 ** 20 / (r.wallMs / 1000))),
        cpuMs: summarize(runs.map((r) => r.cpuMs)),
        peakRssMiB: summarize(runs.map((r) => r.maxRssKiB / 1024)),
      };
    }
  }
  return out;
}
