import { describe, expect, it } from 'vitest';
import { parseErrorBody } from '../../../../src/s3/xml/index.js';
import {
  AWS_ERROR_NO_SUCH_KEY,
  AWS_ERROR_PRECONDITION_FAILED,
  AWS_ERROR_SAMPLE,
  AWS_ERROR_SLOW_DOWN,
  AWS_LIST_V2_SIMPLE,
  HTML_502,
  XHTML_503,
} from './fixtures-aws.js';
import { CEPH_ERROR_NO_SUCH_KEY, CEPH_ERROR_PRECONDITION_FAILED } from './fixtures-ceph.js';

describe('parseErrorBody', () => {
  it('reads the AWS reference sample', () => {
    expect(parseErrorBody(AWS_ERROR_SAMPLE)).toEqual({
      code: 'NoSuchKey',
      message: 'The resource you requested does not exist',
      requestId: '4442587FB7D0A2F9',
      hostId: undefined,
      key: undefined,
    });
  });

  it('reads NoSuchKey with its (entity-escaped, space-padded) key', () => {
    expect(parseErrorBody(AWS_ERROR_NO_SUCH_KEY)).toMatchObject({
      code: 'NoSuchKey',
      message: 'The specified key does not exist.',
      key: 'locks/ job & more.lock',
      requestId: '7NR0CH6QWJ6X8TKT',
      hostId: 'x0Kmg9ymbxXf0z7fLTmu6Hdf6wQ6w4aPzCLQ7/jWtfcW7tIu0Kl3VUnpKu7Vq3cnVuJ4Cn8gtNs=',
    });
  });

  it('reads SlowDown and PreconditionFailed', () => {
    expect(parseErrorBody(AWS_ERROR_SLOW_DOWN)?.code).toBe('SlowDown');
    expect(parseErrorBody(AWS_ERROR_PRECONDITION_FAILED)).toMatchObject({
      code: 'PreconditionFailed',
      message: 'At least one of the pre-conditions you specified did not hold',
    });
  });

  it("reads Ceph's bodies; the empty <Message> counts as absent", () => {
    expect(parseErrorBody(CEPH_ERROR_NO_SUCH_KEY)).toEqual({
      code: 'NoSuchKey',
      message: undefined,
      requestId: 'tx00000c69da6db95f7ea2a-006b073dcf-100b-default',
      hostId: '100b-default-default',
      key: undefined,
    });
    expect(parseErrorBody(CEPH_ERROR_PRECONDITION_FAILED)?.code).toBe('PreconditionFailed');
  });

  const notErrors: [string, string][] = [
    ['an empty body', ''],
    ['whitespace', '  \n'],
    ["nginx's HTML 502 page", HTML_502],
    ['an XHTML page with a DOCTYPE', XHTML_503],
    ['an XHTML page without one', XHTML_503.replace(/<!DOCTYPE[^>]*>/, '')],
    ['JSON', '{"message":"Internal Server Error"}'],
    ['a truncated error', AWS_ERROR_SLOW_DOWN.slice(0, 80)],
    ['a success body', AWS_LIST_V2_SIMPLE],
    ['an unknown entity', '<Error><Code>X&bogus;</Code></Error>'],
    [
      'an entity bomb',
      '<!DOCTYPE e [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Error><Code>&b;</Code></Error>',
    ],
    ['binary garbage', '\u0000\u0001\u0002<<<>>>'],
  ];
  it.each(notErrors)('returns undefined for %s, without throwing', (_name, body) => {
    expect(parseErrorBody(body)).toBeUndefined();
  });

  it('returns the fields it can for an <Error> without a code', () => {
    expect(parseErrorBody('<Error><Message>m</Message></Error>')).toMatchObject({
      code: undefined,
      message: 'm',
    });
  });
});
