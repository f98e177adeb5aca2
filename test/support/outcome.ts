/**
 * How a call ended, for the property suites that feed the client bad input or bad answers: a value,
 * a typed error (thrown at once or rejected), anything else, or nothing within a bound; and whether
 * a typed error's message says something.
 *
 * @module
 */
import { isS3funcError } from '../../src/index.js';

export type Outcome = { kind: 'value' | 'typed' | 'untyped' | 'hang'; detail: unknown };

/** Runs `run` and classifies how it settled; `hang` when it did not within `boundMs`. */
export async function settleWithin(run: () => unknown, boundMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ kind: 'hang', detail: `did not settle within ${boundMs} ms` }),
      boundMs,
    );
  });
  const settled = (async () => run())().then(
    (value): Outcome => ({ kind: 'value', detail: value }),
    (error: unknown): Outcome => ({ kind: isS3funcError(error) ? 'typed' : 'untyped', detail: error }),
  );
  try {
    return await Promise.race([settled, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Problems with an error's message: too short, or matching `vague` (words that say nothing). */
export function messageProblems(error: unknown, vague: RegExp): string[] {
  const message = (error as Error).message;
  const problems: string[] = [];
  if (typeof message !== 'string' || message.length < 10)
    problems.push(`message too short: ${JSON.stringify(message)}`);
  if (typeof message === 'string' && vague.test(message))
    problems.push(`message says nothing useful: ${message}`);
  return problems;
}
