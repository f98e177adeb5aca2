import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PreconditionFailedError, S3Error } from '../../../src/errors.js';
import type { HttpResponse } from '../../../src/http/transport.js';
import { errorFromResponse } from '../../../src/s3/error-response.js';

function response(
  status: number,
  body: string | Buffer[] = '',
  headers: Record<string, string> = {},
): HttpResponse {
  const chunks = typeof body === 'string' ? (body ? [Buffer.from(body)] : []) : body;
  return { status, headers, body: Readable.from(chunks) as unknown as HttpResponse['body'] };
}

const xmlError = (code: string, message: string, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message>` +
  `<RequestId>req-1</RequestId>${extra}</Error>`;

describe('errorFromResponse', () => {
  it('reads code, message and request id from an S3 XML error', async () => {
    const error = await errorFromResponse(
      response(404, xmlError('NoSuchKey', 'The specified key does not exist.')),
      'GetObject',
      'a/b',
    );
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({
      code: 'ERR_S3',
      status: 404,
      s3Code: 'NoSuchKey',
      method: 'GetObject',
      key: 'a/b',
      requestId: 'req-1',
      retryable: false,
    });
    expect(error.message).toBe(
      'GetObject failed with 404 NoSuchKey (key "a/b"): The specified key does not exist.',
    );
  });

  it('reads Ceph’s error bodies (empty message, request id in the body)', async () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>BucketNotEmpty</Code><Message></Message>' +
      '<BucketName>b</BucketName><RequestId>tx000-ceph</RequestId><HostId>zone</HostId></Error>';
    const error = await errorFromResponse(response(409, body), 'DeleteBucket', undefined);
    expect(error).toMatchObject({ s3Code: 'BucketNotEmpty', requestId: 'tx000-ceph', key: undefined });
    expect(error.message).toBe('DeleteBucket failed with 409 BucketNotEmpty');
  });

  it('derives the code from the status when there is no body (HEAD), taking the request id from the header', async () => {
    const error = await errorFromResponse(
      response(404, '', { 'x-amz-request-id': 'hdr-1' }),
      'HeadObject',
      'k',
    );
    expect(error).toMatchObject({ status: 404, s3Code: 'NotFound', requestId: 'hdr-1' });
    expect((await errorFromResponse(response(403), 'HeadObject', 'k')).s3Code).toBe('Forbidden');
    expect((await errorFromResponse(response(418), 'HeadObject', 'k')).s3Code).toBe('Http418');
    expect((await errorFromResponse(response(301), 'HeadObject', 'k')).s3Code).toBe('PermanentRedirect');
  });

  it('describes an HTML page from a proxy instead of parsing it, and still classifies by status', async () => {
    const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
    const error = await errorFromResponse(
      response(502, html, { 'content-type': 'text/html' }),
      'GetObject',
      'k',
    );
    expect(error).toMatchObject({ status: 502, s3Code: 'Http502', retryable: true });
    expect(error.message).toMatch(/the response was an HTML page: <!DOCTYPE html>.*502 Bad Gateway/);
    const noType = await errorFromResponse(response(503, '<html><body>down</body></html>'), 'GetObject', 'k');
    expect(noType).toMatchObject({ s3Code: 'ServiceUnavailable', retryable: true });
    expect(noType.message).toMatch(/an HTML page/);
  });

  it('describes a non-XML body briefly', async () => {
    const error = await errorFromResponse(response(500, `{"error":"${'x'.repeat(500)}"}`), 'PutObject', 'k');
    expect(error.s3Code).toBe('InternalError');
    expect(error.message).toMatch(/a non-XML body: \{"error":"x+/);
    expect(error.message.length).toBeLessThan(250);
  });

  it('turns 412 into PreconditionFailedError', async () => {
    const error = await errorFromResponse(
      response(
        412,
        xmlError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'),
      ),
      'PutObject',
      'k',
    );
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toMatchObject({ code: 'ERR_PRECONDITION_FAILED', status: 412, key: 'k', retryable: false });
    const bare = await errorFromResponse(response(412), 'HeadObject', 'k');
    expect(bare).toBeInstanceOf(PreconditionFailedError);
    expect(bare.s3Code).toBe('PreconditionFailed');
  });

  it('reads Retry-After in seconds and as an HTTP date', async () => {
    const seconds = await errorFromResponse(
      response(503, xmlError('SlowDown', 'Please reduce your request rate.'), { 'retry-after': '3' }),
      'PutObject',
      'k',
    );
    expect(seconds).toMatchObject({ s3Code: 'SlowDown', retryAfterMs: 3_000, retryable: true });
    const date = new Date(Date.now() + 60_000).toUTCString();
    const dated = await errorFromResponse(response(503, '', { 'retry-after': date }), 'PutObject', 'k');
    expect(dated.retryAfterMs).toBeGreaterThan(55_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect((await errorFromResponse(response(503), 'PutObject', 'k')).retryAfterMs).toBeUndefined();
  });

  it('marks 5xx and throttling retryable and client errors not', async () => {
    for (const status of [429, 500, 502, 503, 504]) {
      expect((await errorFromResponse(response(status), 'GetObject', 'k')).retryable, String(status)).toBe(
        true,
      );
    }
    for (const status of [400, 403, 404, 405, 409, 416]) {
      expect((await errorFromResponse(response(status), 'GetObject', 'k')).retryable, String(status)).toBe(
        false,
      );
    }
  });

  it('reads at most 64 KiB of a huge body and stops the stream', async () => {
    const big = Array.from({ length: 100 }, () => Buffer.alloc(16 * 1024, 0x61));
    const res = response(500, big);
    const error = await errorFromResponse(res, 'GetObject', 'k');
    expect(error.s3Code).toBe('InternalError');
    expect(res.body.destroyed).toBe(true);
  });

  it('still reports the status when the body is cut short', async () => {
    const body = new Readable({
      read() {
        this.push(Buffer.from('<Error><Code>Internal'));
        this.destroy(new Error('socket hang up'));
      },
    });
    const error = await errorFromResponse(
      { status: 500, headers: {}, body: body as unknown as HttpResponse['body'] },
      'GetObject',
      'k',
    );
    expect(error).toMatchObject({ status: 500, s3Code: 'InternalError' });
  });
});
