/**
 * Where a bucket's requests go: the origin to connect to, the Host to sign, and the path prefix.
 *
 * @module
 */
import { ConfigError } from '../errors.js';

export interface Addressing {
  /** `https://host[:port]`, what the connection pool connects to. */
  origin: string;
  /** The Host header value, signed. */
  host: string;
  /** Path prefix before the encoded key: `/bucket/` (path-style) or `/` (virtual-hosted), plus any endpoint path. */
  basePath: string;
  /** True when the bucket is in the path. */
  pathStyle: boolean;
}

/** AWS's regional endpoint, used when no endpoint is given. */
export function awsEndpoint(region: string): string {
  return `https://s3.${region}.amazonaws.com`;
}

/**
 * Picks path-style or virtual-hosted addressing. Virtual-hosted is the default on AWS; path-style on
 * custom endpoints (Ceph, MinIO, most self-hosted stores) unless `forcePathStyle: false`. Buckets
 * with dots use path-style over HTTPS on AWS too, since the wildcard certificate covers one label only.
 */
export function resolveAddressing(input: {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  forcePathStyle?: boolean | undefined;
}): Addressing {
  const custom = input.endpoint !== undefined;
  let url: URL;
  try {
    url = new URL(input.endpoint ?? awsEndpoint(input.region));
  } catch {
    throw new ConfigError(`endpoint ${JSON.stringify(input.endpoint)} is not a valid URL`, 'endpoint');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`endpoint must use http: or https:, got ${url.protocol}`, 'endpoint');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('endpoint must not carry a query, fragment or credentials', 'endpoint');
  }
  const dottedOverTls = input.bucket.includes('.') && url.protocol === 'https:';
  const pathStyle = input.forcePathStyle ?? (custom || dottedOverTls);
  const endpointPath = url.pathname.replace(/\/+$/, '');
  if (pathStyle) {
    return { origin: url.origin, host: url.host, basePath: `${endpointPath}/${input.bucket}/`, pathStyle };
  }
  const host = `${input.bucket}.${url.host}`;
  return { origin: `${url.protocol}//${host}`, host, basePath: `${endpointPath}/`, pathStyle };
}
