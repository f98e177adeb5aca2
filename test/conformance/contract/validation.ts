/** Contract: bad input fails fast with a `ConfigError` naming it, the same on every session. */
import { describe, expect } from 'vitest';
import { ConfigError } from '../../../src/index.js';
import { type ContractContext, collect, listedKeys } from './harness.js';

/** S3's key limit in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

export function validationContract({ storeTest }: ContractContext): void {
  describe('validation', () => {
    storeTest('empty, over-long and ill-formed keys are refused on every call', async (s) => {
      const tooLong = 'é'.repeat(MAX_KEY_BYTES / 2) + 'x';
      for (const key of ['', tooLong, 'lone \uD800 surrogate']) {
        await expect(s.putObject(key, 'x')).rejects.toBeInstanceOf(ConfigError);
        await expect(s.getObject(key)).rejects.toBeInstanceOf(ConfigError);
        await expect(s.headObject(key)).rejects.toBeInstanceOf(ConfigError);
        await expect(s.deleteObject(key)).rejects.toBeInstanceOf(ConfigError);
        await expect(s.copyObject(key, 'ok')).rejects.toBeInstanceOf(ConfigError);
        await expect(s.copyObject('ok', key)).rejects.toBeInstanceOf(ConfigError);
      }
      expect(await listedKeys(s)).toEqual([]);
    });

    storeTest('keys of exactly 1024 UTF-8 bytes work', async (s) => {
      const keys = ['k'.repeat(MAX_KEY_BYTES), 'é'.repeat(MAX_KEY_BYTES / 2), `${'😀'.repeat(255)}abcd`];
      for (const key of keys) {
        expect(Buffer.byteLength(key)).toBe(MAX_KEY_BYTES);
        await s.putObject(key, key);
        expect(await (await s.getObject(key)).text()).toBe(key);
      }
      expect((await listedKeys(s)).sort()).toEqual([...keys].sort());
    });

    storeTest('unknown options are refused, naming the option', async (s) => {
      const bad = { signal: undefined, colour: 'red' } as never;
      await expect(s.putObject('k', 'x', bad)).rejects.toMatchObject({
        name: 'ConfigError',
        option: 'colour',
      });
      await expect(s.getObject('k', bad)).rejects.toBeInstanceOf(ConfigError);
      await expect(s.headObject('k', bad)).rejects.toBeInstanceOf(ConfigError);
      await expect(s.deleteObject('k', bad)).rejects.toBeInstanceOf(ConfigError);
      await expect(s.deleteObjects(['k'], bad)).rejects.toBeInstanceOf(ConfigError);
      await expect(s.copyObject('k', 'j', bad)).rejects.toBeInstanceOf(ConfigError);
      await expect(collect(s.listObjects(bad))).rejects.toBeInstanceOf(ConfigError);
      await expect(collect(s.listObjectVersions(bad))).rejects.toBeInstanceOf(ConfigError);
      expect(await listedKeys(s)).toEqual([]);
    });

    storeTest('metadata that cannot be sent safely is refused', async (s) => {
      for (const metadata of [
        { Upper: 'x' },
        { 'with space': 'x' },
        { ok: 'naïve' },
        { ok: 'line\nbreak' },
        { ok: ' pad' },
      ]) {
        await expect(s.putObject('k', 'x', { metadata })).rejects.toBeInstanceOf(ConfigError);
      }
      await expect(s.putObject('k', 'x', { metadata: { big: 'x'.repeat(2100) } })).rejects.toBeInstanceOf(
        ConfigError,
      );
      expect(await listedKeys(s)).toEqual([]);
    });

    storeTest('bad listing arguments and ranges are refused', async (s) => {
      for (const pageSize of [0, 1001, 1.5, Number.NaN]) {
        await expect(collect(s.listObjects({ pageSize }))).rejects.toBeInstanceOf(ConfigError);
        await expect(collect(s.listObjectVersions({ pageSize }))).rejects.toBeInstanceOf(ConfigError);
      }
      await expect(collect(s.listObjects({ prefix: 7 as never }))).rejects.toBeInstanceOf(ConfigError);
      await s.putObject('r', 'abc');
      await expect(s.getObject('r', { range: { start: -1 } })).rejects.toBeInstanceOf(ConfigError);
      await expect(s.getObject('r', { range: { start: 2, end: 1 } })).rejects.toBeInstanceOf(ConfigError);
    });

    storeTest('an aborted signal rejects with its reason and writes nothing', async (s) => {
      const reason = new Error('stop');
      const signal = AbortSignal.abort(reason);
      await expect(s.putObject('k', 'x', { signal })).rejects.toBe(reason);
      await expect(s.getObject('k', { signal })).rejects.toBe(reason);
      await expect(collect(s.listObjects({ signal }))).rejects.toBe(reason);
      await expect(s.deleteObjects(['k'], { signal })).rejects.toBe(reason);
      expect(await listedKeys(s)).toEqual([]);
    });
  });
}
