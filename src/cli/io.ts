/**
 * What a command may touch of the outside world, passed in so tests can run commands in-process.
 *
 * @module
 */
import type { Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable & { isTTY?: boolean | undefined };
  stderr: Writable & { isTTY?: boolean | undefined };
  env: NodeJS.ProcessEnv;
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** Writes one line. */
export function line(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
