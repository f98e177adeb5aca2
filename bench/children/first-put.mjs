// Time from process start to the first completed PUT: import, client set-up, connection, signing.
import { openPeer } from '../lib/peers.mjs';

const { peer, s3, oursDir, key } = JSON.parse(process.argv[2]);
const client = await openPeer(peer, s3, oursDir);
await client.put(key, Buffer.from('first'));
const ms = performance.now(); // since the process started (performance.timeOrigin)
await client.close();
console.log(JSON.stringify({ ms }));
