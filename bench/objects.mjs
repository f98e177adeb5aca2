// Small objects: client CPU per operation and throughput, for PUT and GET at concurrency 1 and 16.
import { runChild } from './lib/child.mjs';
import { PEERS } from './lib/peers.mjs';
import { summarize } from './lib/stats.mjs';

export const CASES = ['put-c1', 'get-c1', 'put-c16', 'get-c16'];

export async function run(ctx) {
  const reps = 3;
  const ops = ctx.quick ? 300 : 1000;
  const bodyBytes = 1024;
  const raw = Object.fromEntries(PEERS.map((p) => [p, []]));
  for (let i = 0; i < reps; i++) {
    for (const peer of PEERS) {
      const input = {
        peer,
        s3: ctx.s3,
        oursDir: ctx.oursDir,
        ops,
        warmup: 100,
        concurrencies: [1, 16],
        bodyBytes,
        prefix: `bench/objects/${peer}/`,
      };
      raw[peer].push(await runChild('objects.mjs', input));
    }
  }
  ctx.log(`objects: ${reps} runs of ${ops} PUTs and GETs (${bodyBytes} B) per case and peer`);
  const out = { ops, bodyBytes, reps };
  for (const peer of PEERS) {
    out[peer] = {};
    for (const c of CASES) {
      const runs = raw[peer].map((r) => r[c]);
      out[peer][c] = {
        cpuUsPerOp: summarize(runs.map((r) => r.cpuUs / r.ops)),
        opsPerSec: summarize(runs.map((r) => (r.ops / r.wallMs) * 1000)),
      };
    }
  }
  return out;
}
