// One large object through one client, in one direction: throughput, client CPU and peak RSS.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openPeer } from '../lib/peers.mjs';

const { peer, s3, oursDir, direction, key, sizeBytes } = JSON.parse(process.argv[2]);
const CHUNK = Buffer.alloc(1 << 20, 0x61);

/** `size` bytes from one reused 1 MiB buffer: the source costs neither memory nor CPU. */
function source(size) {
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, CHUNK.length);
      left -= n;
      this.push(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
    },
  });
}

async function drain(stream) {
  let bytes = 0;
  await pipeline(
    stream,
    new Writable({
      write(chunk, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  return bytes;
}

const client = await openPeer(peer, s3, oursDir);
const rssBeforeKiB = process.resourceUsage().maxRSS;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
if (direction === 'up') {
  await client.putStream(key, source(sizeBytes), sizeBytes);
} else {
  const got = await drain(await client.getStream(key));
  if (got !== sizeBytes) throw new Error(`downloaded ${got} of ${sizeBytes} bytes`);
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await client.close();
console.log(
  JSON.stringify({
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
    rssBeforeKiB,
  }),
);
