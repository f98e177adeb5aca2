/**
 * Input handling shared by `signRequest` and `presignUrl`: credentials, the request target and the
 * request time, checked and put into canonical form.
 *
 * @module
 */
import { ConfigError } from '../../errors.js';
import {
  canonicalPathFromUrl,
  canonicalQuery,
  canonicalQueryFromSearch,
  type QueryParams,
} from './encode.js';

/** The credentials a request is signed with. */
export interface SigningCredentials {
  /** The access key id (`AKIA…`, or the store's equivalent). */
  readonly accessKeyId: string;
  /** The secret access key. It is only ever used as HMAC key material, never sent. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials; sent as `x-amz-security-token` and signed. */
  readonly sessionToken?: string | undefined;
}

/** The request target given as a `URL`: its path and query are canonicalised before signing. */
export interface UrlTarget {
  /**
   * The full URL. Mind that `new URL()` resolves `.` and `..` segments and leaves `$ ! * ' ( )`
   * unencoded in the path: for object keys, prefer `host` + `path`.
   */
  readonly url: URL;
  readonly host?: undefined;
  readonly path?: undefined;
  readonly query?: undefined;
}

/**
 * The request target given as host, encoded path and query. The path is sent and signed exactly as
 * given, so object keys with `//`, `.` or `..` segments keep them.
 *
 * @example
 * ```ts
 * const target: PathTarget = {
 *   host: 's3.us-east-1.amazonaws.com',
 *   path: objectPath('a/../b c.txt', 'my-bucket'), // "/my-bucket/a/../b%20c.txt"
 *   query: { versionId: 'v1' },
 * };
 * ```
 */
export interface PathTarget {
  readonly url?: undefined;
  /** Host name, with `:port` when the port is not the scheme's default. */
  readonly host: string;
  /** The encoded path, starting with `/` (see `objectPath` and `encodeKeyPath`). */
  readonly path: string;
  /**
   * Query parameters, or a query string without `?` (canonicalised before signing, so send the
   * string `canonicalQuery` returns for the same parameters).
   */
  readonly query?: string | QueryParams | undefined;
}

/** Where a request goes: a `URL`, or `host` + encoded `path` (+ `query`). */
export type RequestTarget = UrlTarget | PathTarget;

/** A request target resolved to what the canonical request needs. */
export interface ResolvedTarget {
  /** `https://host[:port]` (or `http://`). */
  readonly origin: string;
  readonly host: string;
  readonly canonicalUri: string;
  readonly canonicalQuery: string;
}

/** Resolves the target of a request: a `URL` is canonicalised, a path is taken as it is. */
export function resolveTarget(target: RequestTarget): ResolvedTarget {
  const { url } = target;
  if (url !== undefined) {
    if (!(url instanceof URL)) throw new ConfigError('url must be a URL object', 'url');
    return {
      origin: `${url.protocol}//${url.host}`,
      host: url.host,
      canonicalUri: canonicalPathFromUrl(url.pathname),
      canonicalQuery: canonicalQueryFromSearch(url.search),
    };
  }
  const { host, path, query } = target;
  if (typeof host !== 'string' || host.length === 0) {
    throw new ConfigError('give either url (a URL) or host (a non-empty string) and path', 'host');
  }
  if (typeof path !== 'string' || path.charCodeAt(0) !== 0x2f) {
    throw new ConfigError(`path must be a string starting with "/", got ${JSON.stringify(path)}`, 'path');
  }
  return {
    origin: `https://${host}`,
    host,
    canonicalUri: path,
    canonicalQuery:
      query === undefined
        ? ''
        : typeof query === 'string'
          ? canonicalQueryFromSearch(query)
          : canonicalQuery(query),
  };
}

/** Throws a `ConfigError` unless the credentials and region can sign a request. */
export function checkSigningInput(credentials: SigningCredentials, region: string, service: string): void {
  if (typeof credentials?.accessKeyId !== 'string' || credentials.accessKeyId.length === 0) {
    throw new ConfigError('credentials.accessKeyId must be a non-empty string', 'accessKeyId');
  }
  if (typeof credentials.secretAccessKey !== 'string' || credentials.secretAccessKey.length === 0) {
    throw new ConfigError('credentials.secretAccessKey must be a non-empty string', 'secretAccessKey');
  }
  if (typeof region !== 'string' || region.length === 0) {
    throw new ConfigError('region must be a non-empty string', 'region');
  }
  if (typeof service !== 'string' || service.length === 0) {
    throw new ConfigError('service must be a non-empty string', 'service');
  }
}

// One-entry memo: consecutive requests usually fall in the same second.
let memoSecond = Number.NaN;
let memoAmzDate = '';

/**
 * Formats a time as SigV4's `YYYYMMDD'T'HHMMSS'Z'` (UTC, whole seconds). The scope date is its first
 * eight characters.
 *
 * @throws ConfigError when `now` is not a valid date between the years 0000 and 9999
 */
export function toAmzDate(now: Date): string {
  const ms = now instanceof Date ? now.getTime() : Number.NaN;
  const second = Math.floor(ms / 1000);
  if (second === memoSecond) return memoAmzDate;
  if (!Number.isFinite(ms)) throw new ConfigError(`now must be a valid Date, got ${String(now)}`, 'now');
  const iso = now.toISOString(); // 2013-05-24T00:00:00.000Z
  if (iso.length !== 24) throw new ConfigError(`now must fall in the years 0000 to 9999, got ${iso}`, 'now');
  const amzDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  memoSecond = second;
  memoAmzDate = amzDate;
  return amzDate;
}
