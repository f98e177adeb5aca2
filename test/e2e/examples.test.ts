/**
 * Every example runs to completion on the embedded file store, and on S3 when the environment
 * names an endpoint (npm test starts Ceph RGW and sets it). Each example checks its own invariant
 * and exits non-zero when it is broken; here we also check what it printed.
 */
import { describe, expect, it } from 'vitest';
import { example } from './run.js';

const stores: [string, NodeJS.ProcessEnv][] = [['file store', { AWS_ENDPOINT_URL_S3: '' }]];
if (process.env.AWS_ENDPOINT_URL_S3) {
  // the settle delay a user would take from `s3func probe` on Ceph RGW (it recommends about 100 ms
  // here: millisecond timestamps, list-after-write lag under 50 ms), with headroom for a busy machine
  stores.push([
    'S3',
    { S3FUNC_BUCKET: `s3func-examples-${Date.now().toString(36)}`, S3FUNC_SETTLE_DELAY_MS: '250' },
  ]);
}

describe.each(stores)('examples on the %s', (_, env) => {
  it('leader-election: three processes, two failovers, rising fencing tokens', async () => {
    const r = await example('leader-election.ts', [], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/candidate-\d leads, fencing token 1/);
    const failovers = [...r.stdout.matchAll(/failover to candidate-\d took [\d.]+ s; token (\d+) → (\d+)/g)];
    expect(failovers).toHaveLength(2);
    for (const [, before, after] of failovers) expect(Number(after)).toBeGreaterThan(Number(before));
    expect(r.stdout).toMatch(/done: 3 leaders/);
  }, 120_000);

  it('job-mutex: each period runs exactly once', async () => {
    const r = await example('job-mutex.ts', ['3', '3'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/every period ran exactly once \(3 runs\)/);
  }, 120_000);

  it('await-using: released at scope end even when the body throws', async () => {
    const r = await example('await-using.ts', [], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/a rival's non-blocking attempt: refused/);
    expect(r.stdout).toMatch(/tickets left after the scope ended: 0/);
  }, 120_000);

  it('reader-writer: readers share, the writer excludes, no torn read', async () => {
    const r = await example('reader-writer.ts', ['3', '3'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ consistent reads, up to [2-3] readers at once, no torn read/);
  }, 120_000);
});
