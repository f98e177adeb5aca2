// The B2 test server itself, over raw HTTP (2 of 2): hide markers, deletes, file info, downloads
// with ranges and x-bz-* headers, copies, listings, and injected faults, with B2's error codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B2TestServer } from '../support/b2-server/server.js';
import { RawB2, sha1 } from './raw-b2.js';

let server: B2TestServer;
let raw: RawB2;

beforeAll(async () => {
  server = new B2TestServer({ now: () => 1_700_000_000_123 });
  await server.start();
  raw = await RawB2.connect(server);
  await raw.upload('srv/a.txt', 'hello', { 'x-bz-info-author': 'me%20too' });
});

afterAll(async () => {
  await server.stop();
});

describe('files', () => {
  it('hide: 400 no_such_file for a missing name, 400 already_hidden the second time', async () => {
    await raw.upload('srv/h', 'x');
    const bucketId = raw.bucketId;
    expect(await raw.call('b2_hide_file', { bucketId, fileName: 'srv/none' })).toMatchObject({
      status: 400,
      json: { code: 'no_such_file' },
    });
    expect(await raw.call('b2_hide_file', { bucketId, fileName: 'srv/h' })).toMatchObject({
      status: 200,
      json: { action: 'hide' },
    });
    expect(await raw.call('b2_hide_file', { bucketId, fileName: 'srv/h' })).toMatchObject({
      status: 400,
      json: { code: 'already_hidden' },
    });
  });

  it('delete version: 400 file_not_present; get info: 404 not_found', async () => {
    expect(await raw.call('b2_delete_file_version', { fileName: 'srv/x', fileId: 'nope' })).toMatchObject({
      status: 400,
      json: { code: 'file_not_present' },
    });
    expect(await raw.call('b2_get_file_info', { fileId: 'nope' })).toMatchObject({
      status: 404,
      json: { code: 'not_found' },
    });
  });

  it('download: 404 not_found for hidden files, 416 with Content-Range for a bad range', async () => {
    const hidden = await raw.download('srv/h');
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ code: 'not_found' });
    const bad = await raw.download('srv/a.txt', { range: 'bytes=10-' });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */5');
    expect(await bad.json()).toMatchObject({ code: 'range_not_satisfiable' });
  });

  it('download headers: x-bz-* with the name and info percent-encoded; a range answers 206', async () => {
    const res = await raw.download('srv/a.txt');
    expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('x-bz-')))).toMatchObject({
      'x-bz-file-name': 'srv/a.txt',
      'x-bz-content-sha1': sha1('hello'),
      'x-bz-upload-timestamp': '1700000000000',
      'x-bz-info-author': 'me%20too',
    });
    expect(await res.text()).toBe('hello');
    const part = await raw.download('srv/a.txt', { range: 'bytes=1-3' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 1-3/5');
    expect(await part.text()).toBe('ell');
  });

  it('copy: answers with action "copy", refuses COPY with a content type and REPLACE without one', async () => {
    const source = (await raw.upload('srv/src', 'copy me')).json.fileId;
    const copy = await raw.call('b2_copy_file', { sourceFileId: source, fileName: 'srv/dst' });
    expect(copy).toMatchObject({ status: 200, json: { action: 'copy', contentSha1: sha1('copy me') } });
    const withType = { sourceFileId: source, fileName: 'srv/d2', contentType: 'text/plain' };
    expect(await raw.call('b2_copy_file', withType)).toMatchObject({ status: 400 });
    const replace = { sourceFileId: source, fileName: 'srv/d3', metadataDirective: 'REPLACE' };
    expect(await raw.call('b2_copy_file', replace)).toMatchObject({ status: 400 });
    const listed = await raw.call('b2_list_file_names', { bucketId: raw.bucketId, prefix: 'srv/dst' });
    expect(listed.json.files[0].action).toBe('upload');
  });

  it('listing: 400 for maxFileCount over 10000, folders for a delimiter, versions newest first', async () => {
    const bucketId = raw.bucketId;
    expect(await raw.call('b2_list_file_names', { bucketId, maxFileCount: 10_001 })).toMatchObject({
      status: 400,
      json: { code: 'bad_request' },
    });
    const { json } = await raw.call('b2_list_file_names', { bucketId, delimiter: '/' });
    expect(json.files).toEqual([
      expect.objectContaining({ action: 'folder', fileName: 'srv/', fileId: null }),
    ]);
    const versions = await raw.call('b2_list_file_versions', { bucketId, prefix: 'srv/h' });
    expect(versions.json.files.map((f: { action: string }) => f.action)).toEqual(['hide', 'upload']);
  });

  it('injected 429 carries Retry-After', async () => {
    server.failNext('b2_list_file_names', { status: 429, retryAfterSeconds: 7 });
    const res = await fetch(`${server.endpoint}/b2api/v3/b2_list_file_names`, {
      method: 'POST',
      headers: { authorization: raw.token },
      body: JSON.stringify({ bucketId: raw.bucketId }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toMatchObject({ status: 429, code: 'too_many_requests' });
  });
});
