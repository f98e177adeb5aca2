// SigV4 signing throughput: our signer against the AWS SDK's (@smithy/signature-v4 with Node's
// crypto, as @aws-sdk/client-s3 uses it), both async-called in a loop on the same requests.
import { runChild } from './lib/child.mjs';
import { summarize } from './lib/stats.mjs';

export const SIGNERS = ['s3func', 'aws-sdk'];

export async function run(ctx) {
  const reps = ctx.quick ? 2 : 3;
  const raw = Object.fromEntries(SIGNERS.map((s) => [s, []]));
  const auth = {};
  for (let i = 0; i < reps; i++) {
    for (const signer of SIGNERS) {
      const out = await runChild('sign.mjs', { signer, oursDir: ctx.oursDir, batchMs: 400, batches: 5 });
      raw[signer].push(...out.opsPerSec);
      auth[signer] = out.authorizations;
    }
  }
  const signatures = (list) => list.map((a) => /Signature=([0-9a-f]{64})/.exec(a)?.[1]).join();
  const identical = signatures(auth.s3func) === signatures(auth['aws-sdk']);
  if (!identical) throw new Error(`the signers disagree:\n${JSON.stringify(auth, null, 2)}`);
  ctx.log(`sign: ${reps} processes × 5 batches per signer; signatures identical`);
  return Object.fromEntries(SIGNERS.map((s) => [s, { opsPerSec: summarize(raw[s]) }]));
}
