/**
 * Object operations through a faulty network, checked against what the bucket holds afterwards.
 *
 * For each fault kind, many operations on keys of their own run through the FaultProxy with that
 * fault applied at random to their requests (retries included). Then, per operation:
 *
 * - a success means the bucket shows exactly its effect (a GET returns every byte, a listing every key);
 * - a failure is a typed `S3funcError`, never anything else, and never a short body passed off as whole;
 * - writes are neither lost nor duplicated: each key has at least as many versions as the store
 *   confirmed applying (forwarded requests with a 2xx upstream answer) and at most as many as were
 *   forwarded; every version holds exactly the bytes meant; a conditional create has at most one
 *   version and never reports a false conflict with its own earlier attempt.
 *
 * On a versioned bucket a whole-object PUT whose answer was lost and which was retried leaves two
 * identical versions: the write is idempotent in content (what every reader sees), and the record
 * proves each version came from an attempt the store applied. The figures count these.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeleteObjectsError,
  isNotFound,
  isS3funcError,
  PreconditionFailedError,
  S3Session,
} from '../../src/index.js';
import { s3Env } from '../integration/s3-env.js';
import { type Fault, FaultProxy } from '../support/fault-proxy.js';
import {
  collect,
  createTestBucket,
  destroyTestBucket,
  forEachLimit,
  sessionOptions,
} from '../support/s3-bucket.js';
import { recordFigures } from '../support/soak.js';

const md5 = (data: Uint8Array | string) => createHash('md5').update(data).digest('hex');

/** The fault kinds, each with the parameters it is run with. */
const KINDS: Record<string, Fault[]> = {
  'reset-before': [{ kind: 'reset-before' }],
  'reset-after': [{ kind: 'reset-after' }],
  'slowdown-503': [{ kind: 'error', status: 503, code: 'SlowDown', retryAfter: '0' }],
  'internal-500': [{ kind: 'error', status: 500, code: 'InternalError' }],
  delay: [{ kind: 'delay', ms: 700 }],
  stall: [
    { kind: 'stall', afterBytes: 0 },
    { kind: 'stall', afterBytes: 100 },
  ],
  truncate: [
    { kind: 'truncate', afterBytes: 0 },
    { kind: 'truncate', afterBytes: 37 },
  ],
};
/** Chance that a request gets the fault: high enough that retries meet it too, and some calls fail. */
const FAULT_PROBABILITY = 0.45;
const OPS_PER_TYPE = 4;

type OpType = 'put' | 'put-create' | 'get' | 'head' | 'list' | 'delete' | 'delete-versions' | 'copy';
const OP_TYPES: OpType[] = ['put', 'put-create', 'get', 'head', 'list', 'delete', 'delete-versions', 'copy'];

interface Outcome {
  kind: string;
  op: OpType;
  key: string;
  body: string;
  ok: boolean;
  error: unknown;
  value: unknown;
}

let proxy: FaultProxy;
let direct: S3Session; // versioned bucket, direct to the store: the referee
let faulty: S3Session; // the same bucket through the proxy
const BIG = Buffer.alloc(96 * 1024, 'x').map((_, i) => (i * 7) % 251);
const LISTED = Array.from({ length: 25 }, (_, i) => `fixed/list/${String(i).padStart(2, '0')}`);

beforeAll(async () => {
  proxy = await FaultProxy.start(s3Env().endpoint);
  direct = await createTestBucket('rel-objects');
  await direct.setBucketVersioning(true);
  faulty = new S3Session(
    sessionOptions(direct.bucket, {
      endpoint: proxy.endpoint,
      idleTimeoutMs: 400,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 200 },
    }),
  );
  await direct.putObject('fixed/big', BIG);
  await forEachLimit(LISTED, 8, (key) => direct.putObject(key, key));
});

afterAll(async () => {
  await faulty?.close();
  await proxy?.close();
  if (direct) await destroyTestBucket(direct);
});

/** Runs one operation through the faulty session and records how it ended. */
async function run(kind: string, op: OpType, i: number): Promise<Outcome> {
  const key = `op/${kind}/${op}/${i}`;
  const body = `${kind} ${op} ${i} ${'.'.repeat(i * 100)}`;
  const outcome: Outcome = { kind, op, key, body, ok: false, error: undefined, value: undefined };
  try {
    switch (op) {
      case 'put':
        outcome.value = await faulty.putObject(key, body);
        break;
      case 'put-create':
        outcome.value = await faulty.putObject(key, body, { ifNoneMatch: '*' });
        break;
      case 'get':
        outcome.value = Buffer.from(await (await faulty.getObject('fixed/big')).bytes());
        break;
      case 'head':
        outcome.value = await faulty.headObject('fixed/big');
        break;
      case 'list':
        outcome.value = (await collect(faulty.listObjects({ prefix: 'fixed/list/' }))).map((o) => o.key);
        break;
      case 'delete':
        await direct.putObject(key, body);
        await faulty.deleteObject(key);
        break;
      case 'delete-versions': {
        const a = await direct.putObject(`${key}/a`, 'a');
        const b = await direct.putObject(`${key}/b`, 'b');
        outcome.value = [a.versionId, b.versionId];
        outcome.value = await faulty.deleteObjects([
          { key: `${key}/a`, versionId: a.versionId as string },
          { key: `${key}/b`, versionId: b.versionId as string },
        ]);
        break;
      }
      case 'copy':
        await direct.putObject(`${key}/source`, body);
        outcome.value = await faulty.copyObject(`${key}/source`, key);
        break;
    }
    outcome.ok = true;
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

/** Requests the proxy saw for exactly `key` with `method`: forwarded, and confirmed applied (2xx). */
function attempts(bucket: string, key: string, method: string) {
  const path = `/${bucket}/${key}`;
  const mine = proxy.requests.filter((r) => r.method === method && r.path.split('?')[0] === path);
  return {
    forwarded: mine.filter((r) => r.forwarded).length,
    applied: mine.filter((r) => r.forwarded && r.upstreamStatus !== undefined && r.upstreamStatus < 300)
      .length,
  };
}

async function versionsOf(key: string) {
  return (await collect(direct.listObjectVersions({ prefix: key }))).filter((v) => v.key === key);
}

/** Checks one outcome against the bucket; returns the problems found (empty when right). */
async function check(o: Outcome, figures: { duplicates: number }): Promise<string[]> {
  const problems: string[] = [];
  const where = `${o.kind} ${o.op} ${o.key}`;
  if (!o.ok && !isS3funcError(o.error)) problems.push(`${where}: untyped failure ${String(o.error)}`);
  const bucket = direct.bucket;
  switch (o.op) {
    case 'put':
    case 'put-create':
    case 'copy': {
      const versions = (await versionsOf(o.key)).filter((v) => !v.isDeleteMarker);
      const { forwarded, applied } = attempts(bucket, o.key, 'PUT');
      if (versions.length < applied)
        problems.push(`${where}: lost write (${versions.length} versions, ${applied} applied)`);
      if (versions.length > forwarded)
        problems.push(`${where}: phantom write (${versions.length} versions, ${forwarded} forwarded)`);
      const expected = md5(o.body);
      for (const v of versions)
        if (v.etag !== expected) problems.push(`${where}: a version holds other bytes`);
      if (o.op === 'put-create' && versions.length > 1)
        problems.push(`${where}: a create made ${versions.length} versions`);
      if (o.op === 'put-create' && o.error instanceof PreconditionFailedError)
        problems.push(`${where}: a create conflicted with its own earlier attempt`);
      if (o.ok) {
        const latest = versions.find((v) => v.isLatest);
        if (!latest) problems.push(`${where}: succeeded but nothing is stored`);
        else if ((await (await direct.getObject(o.key)).text()) !== o.body)
          problems.push(`${where}: wrong content`);
      }
      figures.duplicates += Math.max(0, versions.length - 1);
      break;
    }
    case 'get':
      if (o.ok && md5(o.value as Buffer) !== md5(BIG)) problems.push(`${where}: a GET returned other bytes`);
      break;
    case 'head':
      if (o.ok && (o.value as { size: number }).size !== BIG.length) problems.push(`${where}: wrong size`);
      break;
    case 'list':
      if (o.ok && JSON.stringify(o.value) !== JSON.stringify(LISTED))
        problems.push(`${where}: wrong listing`);
      break;
    case 'delete': {
      const gone = isNotFound(await direct.headObject(o.key).catch((e: unknown) => e));
      if (o.ok && !gone) problems.push(`${where}: deleted but still readable`);
      const markers = (await versionsOf(o.key)).filter((v) => v.isDeleteMarker).length;
      const { forwarded, applied } = attempts(bucket, o.key, 'DELETE');
      // a repeated delete adds a marker on AWS; Ceph adds none while the latest is already a marker
      if (markers < Math.min(applied, 1) || markers > forwarded)
        problems.push(`${where}: ${markers} delete markers for ${applied}..${forwarded} applied deletes`);
      break;
    }
    case 'delete-versions': {
      const remaining = [
        ...(await versionsOf(`${o.key}/a`)).map((v) => v.key),
        ...(await versionsOf(`${o.key}/b`)).map((v) => v.key),
      ];
      if (o.ok && remaining.length > 0)
        problems.push(`${where}: reported deleted, still there: ${remaining}`);
      if (!o.ok && o.error instanceof DeleteObjectsError) {
        const reported = [...o.error.deleted.map((d) => d.key), ...o.error.failures.map((f) => f.key)].sort();
        if (JSON.stringify(reported) !== JSON.stringify([`${o.key}/a`, `${o.key}/b`]))
          problems.push(`${where}: keys dropped from the report: ${reported}`);
        for (const d of o.error.deleted)
          if (remaining.includes(d.key)) problems.push(`${where}: ${d.key} reported deleted, still there`);
      }
      break;
    }
  }
  return problems;
}

describe('object operations through a faulty network', () => {
  it('succeed with exactly their effect, or fail with a typed error; nothing lost, nothing foreign written', async () => {
    const outcomes: Outcome[] = [];
    for (const [kind, faults] of Object.entries(KINDS)) {
      proxy.reset();
      for (const fault of faults) {
        proxy.inject(fault, {
          times: Number.POSITIVE_INFINITY,
          probability: FAULT_PROBABILITY / faults.length,
        });
      }
      const jobs = OP_TYPES.flatMap((op) => Array.from({ length: OPS_PER_TYPE }, (_, i) => ({ op, i })));
      await forEachLimit(jobs, 8, async ({ op, i }) => {
        outcomes.push(await run(kind, op, i));
      });
    }
    proxy.reset();
    const figures = { duplicates: 0 };
    const problems: string[] = [];
    for (const o of outcomes) problems.push(...(await check(o, figures)));
    expect(problems).toEqual([]);

    // the faults fired, and they made a difference: some calls failed, most succeeded through retries
    const byFault = proxy.counts.byFault;
    for (const kind of ['reset-before', 'reset-after', 'error', 'delay', 'stall', 'truncate'] as const)
      expect(byFault[kind] ?? 0, kind).toBeGreaterThan(5);
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed.length).toBeGreaterThan(0);
    expect(outcomes.length - failed.length).toBeGreaterThan(outcomes.length / 2);
    const errorCodes: Record<string, number> = {};
    for (const o of failed) {
      const code = (o.error as { code: string }).code;
      errorCodes[code] = (errorCodes[code] ?? 0) + 1;
    }
    recordFigures('object-faults', {
      operations: outcomes.length,
      succeeded: outcomes.length - failed.length,
      failedTyped: failed.length,
      errorCodes,
      identicalDuplicateVersions: figures.duplicates,
      requests: proxy.counts.requests,
      faultsInjected: byFault,
    });
  });
});

describe('the referee has teeth', () => {
  it('reports a lost write, a foreign version, an untyped failure and a short GET', async () => {
    const figures = { duplicates: 0 };
    const base = { kind: 'planted', body: 'meant', error: undefined, value: undefined };
    // a success with nothing stored: a lost write
    const lost = await check({ ...base, op: 'put', key: 'planted/lost', ok: true }, figures);
    expect(lost.join('\n')).toMatch(/succeeded but nothing is stored/);
    // a version holding other bytes
    await direct.putObject('planted/foreign', 'not what was meant');
    const foreign = await check({ ...base, op: 'put', key: 'planted/foreign', ok: true }, figures);
    expect(foreign.join('\n')).toMatch(/phantom write|other bytes/);
    // a failure that is not an S3funcError
    const untyped = await check(
      { ...base, op: 'head', key: 'planted/x', ok: false, error: new TypeError('boom') },
      figures,
    );
    expect(untyped.join('\n')).toMatch(/untyped failure/);
    // a GET that "succeeded" with a short body
    const short = await check(
      { ...base, op: 'get', key: 'fixed/big', ok: true, value: BIG.subarray(1) },
      figures,
    );
    expect(short.join('\n')).toMatch(/other bytes/);
  });
});
