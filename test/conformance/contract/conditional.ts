/** Contract: conditional puts, alone and racing (the lock core's fencing counter relies on create-only puts). */
import { describe, expect } from 'vitest';
import { ConfigError, isNotFound, PreconditionFailedError } from '../../../src/index.js';
import { type ContractContext, etagOf, listedKeys, settle } from './harness.js';

/** Writers in each race: enough to interleave, few enough for any store's connection pool. */
const RACERS = 8;

export function conditionalContract({ storeTest, options, digestName }: ContractContext): void {
  describe('conditional puts', () => {
    storeTest(
      `capabilities: ${digestName} listings, version listings, conditional puts where honoured, refused where not claimed`,
      async (s) => {
        expect(s.capabilities).toMatchObject({
          listVersions: true,
          listingDigest: options.listingDigest ?? 'md5',
        });
        // a store may claim conditional puts that one bucket ignores (finding that out is the probe's job)
        if (options.unsupported?.createOnlyPut === undefined)
          expect(s.capabilities.conditionalPut).toBe(true);
        if (s.capabilities.conditionalPut) return;
        // one that does not claim them must refuse them: a put ignoring its condition would overwrite
        const { etag } = await s.putObject('unconditional', 'x');
        for (const condition of [{ ifNoneMatch: '*' }, { ifNoneMatch: etag }, { ifMatch: etag }]) {
          await expect(s.putObject('conditional', 'y', condition)).rejects.toBeInstanceOf(ConfigError);
          await expect(s.putObject('unconditional', 'y', condition)).rejects.toBeInstanceOf(ConfigError);
        }
        expect(await listedKeys(s)).toEqual(['unconditional']);
        expect(await (await s.getObject('unconditional')).text()).toBe('x');
      },
    );

    storeTest(
      "ifNoneMatch '*' creates a missing key and refuses an existing one with 412, leaving it unchanged",
      async (s) => {
        const created = await s.putObject('once', 'first', { ifNoneMatch: '*' });
        expect(created.etag).toBe(etagOf(s, 'first'));
        const refused = await s.putObject('once', 'second', { ifNoneMatch: '*' }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(PreconditionFailedError);
        expect(refused).toMatchObject({ status: 412, code: 'ERR_PRECONDITION_FAILED', key: 'once' });
        expect(await (await s.getObject('once')).text()).toBe('first');
        await s.deleteObject('once');
        await s.putObject('once', 'third', { ifNoneMatch: '*' });
        expect(await (await s.getObject('once')).text()).toBe('third');
      },
      'createOnlyPut',
    );

    storeTest(
      `ifNoneMatch '*': of ${RACERS} concurrent creators exactly one wins, and its body is stored`,
      async (s) => {
        for (let round = 0; round < 3; round++) {
          const key = `race-${round}`;
          const { fulfilled, rejected } = await settle(
            Array.from({ length: RACERS }, (_, i) => s.putObject(key, `writer ${i}`, { ifNoneMatch: '*' })),
          );
          expect(fulfilled).toHaveLength(1);
          expect(rejected).toHaveLength(RACERS - 1);
          for (const error of rejected) expect(error).toBeInstanceOf(PreconditionFailedError);
          const stored = await s.getObject(key);
          expect(stored.etag).toBe(fulfilled[0]?.etag);
          expect(await stored.text()).toMatch(/^writer \d$/);
        }
      },
      'createOnlyPut',
    );

    storeTest(
      'ifMatch replaces the object with that ETag and refuses another ETag with 412',
      async (s) => {
        const v1 = await s.putObject('cas', 'v1');
        const v2 = await s.putObject('cas', 'v2', { ifMatch: v1.etag });
        expect(v2.etag).toBe(etagOf(s, 'v2'));
        await expect(s.putObject('cas', 'v3', { ifMatch: v1.etag })).rejects.toBeInstanceOf(
          PreconditionFailedError,
        );
        expect(await (await s.getObject('cas')).text()).toBe('v2');
        // S3 answers 404 for a missing object, some stores 412: either way the write must not happen
        await expect(s.putObject('absent', 'x', { ifMatch: v1.etag })).rejects.toSatisfy(
          (e: unknown) => e instanceof PreconditionFailedError || isNotFound(e),
        );
        await expect(s.headObject('absent')).rejects.toSatisfy(isNotFound);
      },
      'ifMatchPut',
    );

    storeTest(
      `ifMatch: of ${RACERS} concurrent writers holding the same ETag exactly one wins`,
      async (s) => {
        const { etag } = await s.putObject('counter', '0');
        const { fulfilled, rejected } = await settle(
          Array.from({ length: RACERS }, (_, i) => s.putObject('counter', `${i + 1}`, { ifMatch: etag })),
        );
        expect(fulfilled).toHaveLength(1);
        for (const error of rejected) expect(error).toBeInstanceOf(PreconditionFailedError);
        expect((await s.headObject('counter')).etag).toBe(fulfilled[0]?.etag);
      },
      'ifMatchPut',
    );

    storeTest(
      'ifNoneMatch with an ETag refuses to overwrite that ETag and writes over any other',
      async (s) => {
        const { etag } = await s.putObject('inm', 'same');
        await expect(s.putObject('inm', 'next', { ifNoneMatch: etag })).rejects.toBeInstanceOf(
          PreconditionFailedError,
        );
        await s.putObject('inm', 'next', { ifNoneMatch: etagOf(s, 'something else') });
        expect(await (await s.getObject('inm')).text()).toBe('next');
      },
      'ifNoneMatchEtagPut',
    );
  });
}
