/**
 * Looking for secrets where they must never be: every string reachable from an error (message,
 * stack, every own property, the `cause` chain, nested objects), its `util.inspect` rendering with
 * hidden properties, and its JSON; events; process output.
 */
import { inspect } from 'node:util';

/** Every rendering of `value` a user or a log could see, as one text. */
export function renderings(value: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number) => {
    if (depth > 8 || v === null || v === undefined) return;
    if (typeof v === 'string') {
      parts.push(v);
      return;
    }
    if (typeof v !== 'object' && typeof v !== 'function') {
      parts.push(String(v));
      return;
    }
    if (seen.has(v)) return;
    seen.add(v);
    if (v instanceof Error) parts.push(v.name, v.message, v.stack ?? '');
    for (const key of Reflect.ownKeys(v)) {
      let child: unknown;
      try {
        child = (v as Record<PropertyKey, unknown>)[key];
      } catch {
        continue;
      }
      parts.push(String(key));
      walk(child, depth + 1);
    }
    if (v instanceof Error && 'cause' in v) walk(v.cause, depth + 1);
  };
  walk(value, 0);
  parts.push(inspect(value, { depth: 10, showHidden: true, getters: true }));
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // circular: the walk above covered it
  }
  return parts.join('\n');
}

/** The secrets of `secrets` that occur in `text` (each named by its label). */
export function leaks(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(
      ([, secret]) =>
        secret.length >= 8 && (text.includes(secret) || text.includes(encodeURIComponent(secret))),
    )
    .map(([label]) => label);
}

/** The SigV4 signatures (64 hex digits after `Signature=`) in an Authorization header or a URL. */
export function signaturesIn(text: string): string[] {
  return [...text.matchAll(/Signature=([0-9a-f]{64})/g)].map((m) => m[1] as string);
}
