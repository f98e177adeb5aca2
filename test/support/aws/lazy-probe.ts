/**
 * A process that makes one request with a session given no credentials, for the lazy-loading test:
 * `S3FUNC_PROBE_ENDPOINT` answers anything; the environment decides where credentials come from.
 */
import { S3Session } from '../../../src/index.js';

const s3 = new S3Session({ bucket: 'lazy-probe', endpoint: process.env.S3FUNC_PROBE_ENDPOINT });
try {
  await s3.headObject('k');
} catch (error) {
  // a 404 (or anything else) from the test endpoint: what matters is what was loaded to send it
  if ((error as { code?: string }).code === 'ERR_CREDENTIALS') throw error;
}
const info = await s3.resolveCredentials();
console.log(JSON.stringify({ source: info.source.kind }));
await s3.close();
