/**
 * `credential_process`: a profile names a command that prints credentials as JSON
 * (`{"Version": 1, "AccessKeyId": …, "SecretAccessKey": …, "SessionToken"?, "Expiration"?}`).
 *
 * The command is split into words as the AWS CLI does on POSIX systems (whitespace separates,
 * double or single quotes group, a backslash escapes) and run without a shell, so nothing in it is
 * expanded. It gets a time limit; its output is bounded; a failure names the exit status and the
 * last line of its standard error (AWS asks credential tools never to write secrets there), never
 * its standard output.
 *
 * @module
 */
import { CredentialsError } from '../../../errors.js';
import { parseIsoTime } from '../iso-time.js';
import type { AwsCredentialIdentity } from '../types.js';

/** Output larger than this is not credentials; the process is stopped. */
const MAX_OUTPUT_BYTES = 64 * 1024;
/** After the process exits, how long its pipes may take to deliver what it wrote. */
const EXIT_DRAIN_MS = 200;
/** Longest excerpt of standard error quoted in an error. */
const MAX_STDERR_EXCERPT = 200;

/**
 * The words of a command line, POSIX-style: whitespace separates words; `"…"` and `'…'` group
 * (inside double quotes a backslash escapes `"`, `\`, `$` and `` ` ``; inside single quotes nothing
 * is special); elsewhere a backslash escapes the next character.
 *
 * @example
 * ```ts
 * splitCommand('"/opt/my tools/creds" --user "helen smith"'); // ['/opt/my tools/creds', '--user', 'helen smith']
 * ```
 * @throws CredentialsError for an unterminated quote or a trailing backslash, or no words at all
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1] as string)) {
        word += command[++i];
      } else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= command.length)
        throw new CredentialsError('credential_process ends with a lone backslash');
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined)
    throw new CredentialsError(`credential_process has an unterminated ${quote} quote`);
  if (inWord) words.push(word);
  if (words.length === 0) throw new CredentialsError('credential_process is empty');
  return words;
}

/**
 * The credentials a process printed. Reasons name the field at fault, never a value.
 *
 * @throws CredentialsError for output that is not JSON, not `Version` 1, lacks a key, or has expired
 */
export function parseProcessOutput(stdout: string, nowMs: number): AwsCredentialIdentity {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new CredentialsError('credential_process printed something that is not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new CredentialsError('credential_process printed JSON that is not an object');
  }
  const d = data as Record<string, unknown>;
  if (d.Version !== 1) throw new CredentialsError('credential_process printed a Version other than 1');
  for (const field of ['AccessKeyId', 'SecretAccessKey'] as const) {
    if (typeof d[field] !== 'string' || d[field] === '') {
      throw new CredentialsError(`credential_process printed no ${field} (a non-empty string)`);
    }
  }
  if (d.SessionToken !== undefined && typeof d.SessionToken !== 'string') {
    throw new CredentialsError('credential_process printed a SessionToken that is not a string');
  }
  let expiration: Date | undefined;
  if (d.Expiration !== undefined) {
    expiration = parseIsoTime(d.Expiration);
    if (expiration === undefined) {
      throw new CredentialsError('credential_process printed an Expiration that is not an ISO 8601 time');
    }
    if (expiration.getTime() <= nowMs) {
      throw new CredentialsError(
        `credential_process printed credentials that expired at ${expiration.toISOString()}`,
      );
    }
  }
  return {
    accessKeyId: d.AccessKeyId as string,
    secretAccessKey: d.SecretAccessKey as string,
    sessionToken: (d.SessionToken as string | undefined) || undefined,
    expiration,
  };
}

/** How to run the process. */
export interface ProcessRun {
  readonly command: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

/**
 * Runs `credential_process` and parses what it prints.
 *
 * @throws CredentialsError when it cannot start, runs past `timeoutMs` (it is then killed), prints
 *   too much, exits non-zero or prints something that is not credentials
 */
export async function runCredentialProcess(run: ProcessRun): Promise<AwsCredentialIdentity> {
  const [file, ...args] = splitCommand(run.command);
  // loaded here, not at the top: node:child_process costs ~4 ms of start-up that most sessions never use
  const { spawn } = await import('node:child_process');
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(file as string, args, { env: run.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let settled = false;
    const finish = (error: CredentialsError | undefined, text?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else resolve(text as string);
      // a grandchild may hold the pipes open; we do not wait for it
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const timer = setTimeout(
      () => finish(new CredentialsError(`credential_process did not finish within ${run.timeoutMs} ms`)),
      run.timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_OUTPUT_BYTES) {
        finish(new CredentialsError(`credential_process printed more than ${MAX_OUTPUT_BYTES} bytes`));
      } else out.push(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (err.length < 4096) err += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish(
        new CredentialsError(`credential_process could not run ${file}: ${error.code ?? error.message}`, [], {
          cause: error,
        }),
      ),
    );
    const ended = (code: number | null, signal: NodeJS.Signals | null) => {
      if (code === 0) return finish(undefined, Buffer.concat(out).toString('utf8'));
      const status = code === null ? `was killed by ${signal}` : `exited with status ${code}`;
      const last = lastLine(err);
      finish(new CredentialsError(`credential_process ${status}${last ? ` (stderr: ${last})` : ''}`));
    };
    child.on('close', ended);
    // a grandchild may inherit the pipes and keep them open: read what is there shortly after the exit
    child.on('exit', (code, signal) => setTimeout(() => ended(code, signal), EXIT_DRAIN_MS).unref());
  });
  return parseProcessOutput(stdout, Date.now());
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const last = (lines[lines.length - 1] ?? '').trim();
  return last.length > MAX_STDERR_EXCERPT ? `${last.slice(0, MAX_STDERR_EXCERPT)}…` : last;
}
