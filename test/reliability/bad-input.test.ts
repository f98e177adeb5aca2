/**
 * The bad-input corpus: fast-check throws keys, metadata, bodies, options and bucket names of every
 * shape (empty, over-long, lone surrogates, control characters, wrong types, unknown options,
 * prototype-looking keys) at every public entry point of S3Session, MemorySession, FileSession
 * and B2Session.
 *
 * Each call must end in a value or a typed S3funcError; bad input must fail with a ConfigError
 * before any request is sent (a counting server in front proves it), with a message that names the
 * problem; nothing may hang, throw a TypeError, reject unhandled, or (FileSession) write outside its
 * root directory.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  B2Session,
  ConfigError,
  type CoordinationSession,
  FileSession,
  MemorySession,
  S3Session,
} from '../../src/index.js';
import { messageProblems, settleWithin } from '../support/outcome.js';
import { RawHttpServer, rawResponse } from '../support/raw-http-server.js';

const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 120);
const SETTLE_BOUND_MS = 5_000;
/** What a ConfigError message must not contain: it names the value it refused (even `undefined`). */
const VAGUE = /\[object /;

/** Any value at all, from fast-check's full menagerie (objects, arrays, symbols-free, nested). */
const anything = fc.anything({
  maxDepth: 2,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
});
const keys = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }), // lone surrogates included
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    '.',
    '..',
    '../escape',
    '../../etc/passwd',
    '/abs',
    'a/../../b',
    'a\u0000b',
    '\uD800',
    ' ',
    'a//b',
  ),
  fc.string({ minLength: 1020, maxLength: 1100, unit: 'grapheme-ascii' }),
  fc.string({ minLength: 400, maxLength: 520, unit: 'grapheme' }), // over 1024 UTF-8 bytes, often
  anything,
);
const metadata = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(
    fc.string({ maxLength: 12 }),
    fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 10 }), anything),
    { maxKeys: 4 },
  ),
  fc.dictionary(
    fc.stringMatching(/^[a-z0-9-]{1,10}$/),
    fc.string({ minLength: 600, maxLength: 800, unit: 'grapheme-ascii' }),
    { minKeys: 3, maxKeys: 5 },
  ),
  anything,
);
const bodies = fc.oneof(fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 20 }), anything);
/** An options object mixing known names (any value) with unknown ones, or not an object at all. */
const options = (known: readonly string[]) =>
  fc.oneof(
    fc.constant(undefined),
    fc.dictionary(fc.constantFrom(...known), anything, { maxKeys: 3 }),
    fc.dictionary(fc.constantFrom(...known, 'unknownOption', '__proto__', 'constructor'), anything, {
      maxKeys: 3,
    }),
    anything,
  );
const bucketNames = fc.oneof(
  fc.stringMatching(/^[a-z0-9.-]{0,70}$/),
  fc.string({ maxLength: 70 }),
  fc.constantFrom(
    'ab',
    'a'.repeat(64),
    'Bucket',
    '192.168.1.1',
    'a..b',
    'xn--a',
    'a-.b',
    'bucket-s3alias',
    'ok-bucket',
  ),
  anything,
);

const LOCK_OPTIONS = [
  'strategy',
  'trustConditionalWrites',
  'turns',
  'mode',
  'leaseMs',
  'leaseMarginMs',
  'settleDelayMs',
  'pollIntervalMs',
  'visibilityTimeoutMs',
  'timeoutMs',
  'lockId',
  'breakExpired',
  'cleanupOnExit',
  'owner',
  'value',
];
/** Lock options that keep a valid-input acquisition short. */
const FAST = {
  settleDelayMs: 5,
  pollIntervalMs: 10,
  leaseMs: 2_000,
  visibilityTimeoutMs: 500,
  cleanupOnExit: false,
};

/** One entry point: name, arguments, and how to call it on a session. */
type Call = { name: string; args: unknown[] };
const calls = fc.oneof(
  fc
    .tuple(
      keys,
      bodies,
      options(['metadata', 'contentType', 'ifNoneMatch', 'ifMatch', 'contentLength', 'signal']),
    )
    .map(([k, b, o]) => ({ name: 'putObject', args: [k, b, o] })),
  fc.tuple(keys, metadata).map(([k, m]) => ({ name: 'putObject', args: [k, 'x', { metadata: m }] })),
  fc
    .tuple(keys, options(['range', 'versionId', 'ifMatch', 'signal']))
    .map(([k, o]) => ({ name: 'getObject', args: [k, o] })),
  fc
    .tuple(keys, options(['range', 'versionId', 'ifMatch', 'signal']))
    .map(([k, o]) => ({ name: 'headObject', args: [k, o] })),
  fc.tuple(keys, options(['versionId', 'signal'])).map(([k, o]) => ({ name: 'deleteObject', args: [k, o] })),
  options(['prefix', 'delimiter', 'startAfter', 'pageSize', 'signal']).map((o) => ({
    name: 'listObjects',
    args: [o],
  })),
  fc.record({ prefix: keys }).map((o) => ({ name: 'listObjects', args: [o] })),
  options(['prefix', 'delimiter', 'pageSize', 'signal']).map((o) => ({
    name: 'listObjectVersions',
    args: [o],
  })),
  fc
    .tuple(fc.oneof(fc.array(keys, { maxLength: 3 }), anything), options(['signal']))
    .map(([t, o]) => ({ name: 'deleteObjects', args: [t, o] })),
  fc
    .tuple(keys, keys, options(['metadata', 'contentType', 'sourceVersionId', 'signal']))
    .map(([a, b, o]) => ({ name: 'copyObject', args: [a, b, o] })),
  fc
    .tuple(
      fc.oneof(fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE'), anything),
      keys,
      options(['expiresIn', 'versionId']),
    )
    .map(([m, k, o]) => ({ name: 'presign', args: [m, k, o] })),
  fc
    .tuple(keys, options(LOCK_OPTIONS), options(['blocking', 'timeoutMs', 'signal']))
    .map(([n, o, a]) => ({ name: 'lock', args: [n, o, a] })),
  fc.tuple(keys, options(LOCK_OPTIONS)).map(([n, o]) => ({ name: 'withLock', args: [n, o] })),
  fc
    .tuple(
      keys,
      options([...LOCK_OPTIONS.filter((o) => o !== 'mode' && o !== 'lockId' && o !== 'timeoutMs')]),
    )
    .map(([n, o]) => ({ name: 'election', args: [n, o] })),
  fc.tuple(keys, options(['readOwners', 'signal'])).map(([n, o]) => ({ name: 'lockStatus', args: [n, o] })),
  fc.tuple(keys, options(['olderThanMs', 'signal'])).map(([n, o]) => ({ name: 'breakLocks', args: [n, o] })),
) as fc.Arbitrary<Call>;

/** Calls one entry point; everything it does (lock acquisition included) is awaited. */
async function invoke(session: CoordinationSession & { presign?: unknown }, call: Call): Promise<unknown> {
  const [a, b, c] = call.args as [never, never, never];
  const s = session as unknown as Record<string, (...args: unknown[]) => unknown>;
  switch (call.name) {
    case 'listObjects':
    case 'listObjectVersions': {
      const out = [];
      const list = s[call.name] as (options: unknown) => AsyncIterable<unknown>;
      for await (const item of list.call(session, a)) out.push(item);
      return out;
    }
    case 'getObject': {
      const obj = (await session.getObject(a, b)) as { bytes(): Promise<Uint8Array> };
      return obj.bytes();
    }
    case 'presign':
      if (typeof s.presign !== 'function') return undefined;
      return s.presign(a, b, c);
    case 'lock': {
      const lock = session.lock(a, { ...FAST, ...(isPlainObject(b) ? b : { bad: b }) });
      const won = await lock.acquire(c);
      if (won) await lock.release();
      return won;
    }
    case 'withLock':
      return session.withLock(a, async () => 'ran', { ...FAST, ...(isPlainObject(b) ? b : { bad: b }) });
    case 'election': {
      const election = session.election(a, isPlainObject(b) ? { ...FAST, ...(b as object) } : b);
      return election.leader();
    }
    default:
      return s[call.name]?.(a, b, c);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

let server: RawHttpServer;
const tripwire: unknown[] = [];
const onUnhandled = (reason: unknown) => tripwire.push(reason);
const root = mkdtempSync(join(tmpdir(), 's3func-rel-badinput-'));

beforeAll(async () => {
  // the store refuses everything quickly, so valid input ends in a typed S3Error after one request
  server = await RawHttpServer.start(() => {
    const body =
      '<?xml version="1.0"?><Error><Code>NoSuchBucket</Code><Message>no bucket here</Message></Error>';
    return {
      bytes: rawResponse(404, ['content-type: application/xml', `content-length: ${body.length}`], body),
    };
  });
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  tripwire.length = 0;
});

afterEach(async () => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(tripwire).toEqual([]);
});

/** The corpus on one session; S3 calls also prove that a ConfigError sent nothing. */
async function corpus(open: () => CoordinationSession & { close?(): Promise<void> }, counting: boolean) {
  const outcomes: Record<string, number> = {};
  await fc.assert(
    fc.asyncProperty(calls, async (call) => {
      const session = open();
      const before = server.requests.length;
      try {
        const result = await settleWithin(() => invoke(session, call), SETTLE_BOUND_MS);
        const label = `${call.name} ${result.kind === 'typed' ? (result.detail as { code: string }).code : result.kind}`;
        outcomes[label] = (outcomes[label] ?? 0) + 1;
        if (result.kind === 'hang' || result.kind === 'untyped') {
          throw new Error(
            `${call.name}: ${result.kind}: ${String((result.detail as Error)?.stack ?? result.detail)}`,
          );
        }
        if (result.kind === 'typed') {
          const problems = messageProblems(result.detail, VAGUE);
          if (problems.length > 0) throw new Error(`${call.name}: ${problems.join('; ')}`);
        }
        if (counting && result.detail instanceof ConfigError && server.requests.length !== before) {
          throw new Error(
            `${call.name}: ConfigError after ${server.requests.length - before} requests were sent`,
          );
        }
      } finally {
        await session.close?.();
      }
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  return outcomes;
}

describe('bad input at every entry point', () => {
  it('S3Session: a value, a typed error from the store, or a ConfigError before any request', async () => {
    const outcomes = await corpus(
      () =>
        new S3Session({
          bucket: 'bucket',
          endpoint: server.endpoint,
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'secret',
          retry: { maxAttempts: 1 },
          idleTimeoutMs: 1_000,
        }),
      true,
    );
    // both sides were reached: input refused up front, and input that went to the store
    expect(Object.keys(outcomes).some((k) => k.endsWith('ERR_CONFIG'))).toBe(true);
    expect(Object.keys(outcomes).some((k) => k.endsWith('ERR_S3'))).toBe(true);
  });

  it('MemorySession: a value or a typed error', async () => {
    const outcomes = await corpus(() => new MemorySession(), false);
    expect(Object.keys(outcomes).some((k) => k.endsWith('value'))).toBe(true);
    expect(Object.keys(outcomes).some((k) => k.endsWith('ERR_CONFIG'))).toBe(true);
  });

  it('FileSession: a value or a typed error, and nothing written outside its root', async () => {
    const parent = mkdtempSync(join(root, 'file-'));
    const storeRoot = join(parent, 'store');
    await corpus(() => new FileSession({ root: storeRoot }), false);
    // a key like ../escape must never reach the file system above the store's root
    expect(readdirSync(parent)).toEqual(['store']);
  });

  it('session constructors: a session or a ConfigError, never anything else', () => {
    const s3Options = fc.oneof(
      fc.record(
        {
          bucket: bucketNames,
          accessKeyId: fc.oneof(fc.constant('AKID'), anything),
          secretAccessKey: fc.oneof(fc.constant('secret'), anything),
          sessionToken: anything,
          region: fc.oneof(fc.constantFrom('us-east-1', 'EU', ''), anything),
          endpoint: fc.oneof(
            fc.constantFrom('http://127.0.0.1:9', 'not a url', 'ftp://x', 'http://'),
            anything,
          ),
          forcePathStyle: anything,
          retry: anything,
          maxConnections: anything,
          connectTimeoutMs: anything,
          idleTimeoutMs: anything,
          partSizeBytes: anything,
          onRetry: anything,
          unknownOption: anything,
        },
        { requiredKeys: [] },
      ),
      anything,
    );
    const seen = new Set<string>();
    fc.assert(
      fc.property(s3Options, (options) => {
        for (const make of [
          () => new S3Session(options as never),
          () => S3Session.fromEnv(options as never, {}),
          () => new B2Session(options as never),
          () => new FileSession(options as never),
          () => new MemorySession(options as never),
        ]) {
          try {
            make();
            seen.add('ok');
          } catch (error) {
            if (!(error instanceof ConfigError)) throw error;
            expect(messageProblems(error, VAGUE)).toEqual([]);
            seen.add('config');
          }
        }
      }),
      { numRuns: RUNS * 4 },
    );
    expect(seen).toEqual(new Set(['ok', 'config']));
  });

  it('bucket names: valid ones construct, invalid ones are refused naming the bucket rule', () => {
    fc.assert(
      fc.property(bucketNames, (bucket) => {
        try {
          new S3Session({
            bucket: bucket as string,
            accessKeyId: 'a',
            secretAccessKey: 's',
            endpoint: 'http://127.0.0.1:9',
          });
          expect(typeof bucket === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).option).toBe('bucket');
        }
      }),
      { numRuns: RUNS * 4 },
    );
  });
});
