/**
 * Keeping credentials out of errors. Error messages quote what the store answered (an S3
 * `<Message>`, the start of an HTML page), and a proxy or a debugging server may echo the request
 * back, Authorization header and session token included. Before such an error leaves the client,
 * every secret of the request is replaced in it.
 *
 * @module
 */

/** What replaces a secret. */
export const REDACTED = '[redacted]';
/**
 * Shorter strings are not searched for: real secrets are long (AWS secret keys 40 characters,
 * session tokens hundreds, signatures 64), and replacing a short one would mangle ordinary words.
 */
const MIN_SECRET_LENGTH = 8;

/** `text` with every occurrence of each secret (as is, and URI-encoded) replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

/** String fields of our errors that may hold text the store sent. */
const TEXT_FIELDS = ['message', 'stack', 's3Code', 'b2Code', 'requestId'] as const;

/**
 * Removes the secrets from an error built from a response, in place: its message, stack, store code
 * and request id, the messages of per-key failures (`DeleteObjectsError`), and its `cause` chain.
 * Returns the error.
 */
export function redactError<E>(error: E, secrets: readonly (string | undefined)[], depth = 0): E {
  if (typeof error !== 'object' || error === null || depth > 5) return error;
  const fields = error as Record<string, unknown>;
  for (const name of TEXT_FIELDS) {
    const value = fields[name];
    if (typeof value === 'string') {
      const clean = redact(value, secrets);
      if (clean !== value)
        Object.defineProperty(error, name, { value: clean, writable: true, configurable: true });
    }
  }
  const failures = fields.failures;
  if (Array.isArray(failures)) {
    for (const failure of failures as { message?: unknown; code?: unknown }[]) {
      if (typeof failure.message === 'string') failure.message = redact(failure.message, secrets);
      if (typeof failure.code === 'string') failure.code = redact(failure.code, secrets);
    }
  }
  if ('cause' in fields) redactError(fields.cause, secrets, depth + 1);
  return error;
}
