import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  fenceKey,
  LOCK_ID_PATTERN,
  leaseKey,
  lockKeys,
  newLockId,
  parseLeaseSuffix,
  parseTicketSuffix,
  ticketKey,
} from '../../../src/lock/names.js';
import { modeOfDigest, TICKET_BODY } from '../../../src/lock/ticket.js';

describe('lock object names (Python s3func 0.9.x compatible)', () => {
  it('ticket keys and bodies are byte-identical to Python s3func', () => {
    const keys = lockKeys('datasets/weather');
    expect(ticketKey(keys, '0123456789abc', 0)).toBe('datasets/weather.lock.0123456789abc-0');
    expect(ticketKey(keys, '0123456789abc', 1)).toBe('datasets/weather.lock.0123456789abc-1');
    expect(TICKET_BODY).toEqual({ exclusive: '1', shared: '0' });
    // Python's md5_locks table
    expect(createHash('md5').update(TICKET_BODY.exclusive).digest('hex')).toBe(
      'c4ca4238a0b923820dcc509a6f75849b',
    );
    expect(createHash('md5').update(TICKET_BODY.shared).digest('hex')).toBe(
      'cfcd208495d565ef66e7dff9f98764da',
    );
    for (const algo of ['md5', 'sha1']) {
      expect(modeOfDigest(createHash(algo).update('1').digest('hex'))).toBe('exclusive');
      expect(modeOfDigest(createHash(algo).update('0').digest('hex'))).toBe('shared');
    }
  });

  it('lock ids are 13 lowercase hex characters, fresh each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, newLockId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(LOCK_ID_PATTERN);
  });

  it('our own objects live outside the ticket prefix', () => {
    const keys = lockKeys('job');
    expect(leaseKey(keys, 'aaaaaaaaaaaaa', 30000)).toBe('job.lease.aaaaaaaaaaaaa.30000');
    expect(fenceKey(keys, 42)).toBe('job.fence.0000000000000042');
    for (const key of [leaseKey(keys, 'aaaaaaaaaaaaa', 30000), fenceKey(keys, 1)])
      expect(key.startsWith(keys.ticketPrefix)).toBe(false);
    expect(parseLeaseSuffix('aaaaaaaaaaaaa.30000')).toEqual({ lockId: 'aaaaaaaaaaaaa', leaseMs: 30000 });
    expect(parseLeaseSuffix('aaaaaaaaaaaaa')).toBeUndefined();
    expect(parseTicketSuffix('aaaaaaaaaaaaa-1')).toEqual({ lockId: 'aaaaaaaaaaaaa', seq: 1 });
    expect(parseTicketSuffix('AAAAAAAAAAAAA-1')).toBeUndefined();
  });

  it('rejects names that would mix locks or overflow keys', () => {
    for (const bad of ['', 'a.lock.b', 'x.lease.y', 'z.fence.w', 'k'.repeat(1024)]) {
      expect(() => lockKeys(bad)).toThrow(ConfigError);
    }
  });
});
