/**
 * `b2_authorize_account` on the B2 test server: HTTP Basic credentials in, the v3 answer out, with
 * the URLs and any bucket restriction under `apiInfo.storageApi`.
 */
import type { IncomingMessage } from 'node:http';
import type { ServerState } from './state.js';

/** Capabilities a master key has, as far as the calls served here need. */
const CAPABILITIES = ['listBuckets', 'listFiles', 'readFiles', 'writeFiles', 'deleteFiles', 'shareFiles'];
/** What B2 advertises as `recommendedPartSize` (100 MB). */
const RECOMMENDED_PART_SIZE = 100_000_000;

/** Issues a token for the key in the Authorization header; 401 unauthorized for wrong credentials. */
export function authorizeAccount(state: ServerState, req: IncomingMessage): unknown {
  const { token, key } = state.accounts.authorize(req);
  const bucket = key.bucketName === undefined ? undefined : state.bucketByName(key.bucketName);
  const base = state.baseUrl;
  return {
    accountId: state.accounts.accountId,
    authorizationToken: token,
    applicationKeyExpirationTimestamp: null,
    apiInfo: {
      storageApi: {
        infoType: 'storageApi',
        apiUrl: base,
        downloadUrl: base,
        s3ApiUrl: base,
        absoluteMinimumPartSize: state.options.minimumPartSize,
        recommendedPartSize: RECOMMENDED_PART_SIZE,
        bucketId: bucket?.bucketId ?? null,
        bucketName: bucket?.bucketName ?? null,
        capabilities: CAPABILITIES,
        namePrefix: null,
      },
    },
  };
}
