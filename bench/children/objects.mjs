// Small PUTs and GETs through one client: wall time and the client's own CPU time (user + sys).
import { openPeer } from '../lib/peers.mjs';

const { peer, s3, oursDir, ops, warmup, concurrencies, bodyBytes, prefix } = JSON.parse(process.argv[2]);
const client = await openPeer(peer, s3, oursDir);
const body = Buffer.alloc(bodyBytes, 0x61);

/** Runs fn(0..n-1) with `concurrency` in flight; returns wall ms and CPU µs. */
async function measure(n, concurrency, fn) {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuUs: cpu.user + cpu.system, ops: n };
}

const key = (i) => `${prefix}${i % ops}`;
const put = (i) => client.put(key(i), body);
const get = async (i) => {
  const bytes = await client.get(key(i));
  if (bytes.length !== bodyBytes) throw new Error(`GET returned ${bytes.length} bytes`);
};

await measure(warmup, 4, put);
await measure(warmup, 4, get);
const results = {};
for (const concurrency of concurrencies) {
  results[`put-c${concurrency}`] = await measure(ops, concurrency, put);
  results[`get-c${concurrency}`] = await measure(ops, concurrency, get);
}
await client.close();
console.log(JSON.stringify(results));
