// Listing every key under prefixes of different sizes through one client: wall time and client CPU.
import { openPeer } from '../lib/peers.mjs';

const { peer, s3, oursDir, sets, reps } = JSON.parse(process.argv[2]);
const client = await openPeer(peer, s3, oursDir);
const out = {};
for (const { count, prefix } of sets) {
  await client.list(prefix); // warm-up
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const n = await client.list(prefix);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (n !== count) throw new Error(`listed ${n} of ${count} keys under ${prefix}`);
    runs.push({ wallMs, cpuUs: cpu.user + cpu.system });
  }
  out[count] = runs;
}
await client.close();
console.log(JSON.stringify(out));
