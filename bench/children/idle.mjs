// The floor under every RSS figure: a Node process that has loaded one client and done nothing.
import { openPeer } from '../lib/peers.mjs';

const { peer, s3, oursDir } = JSON.parse(process.argv[2]);
if (peer) await (await openPeer(peer, s3, oursDir)).close();
console.log(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
