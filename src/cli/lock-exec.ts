/**
 * `s3func lock exec <name> -- <command…>`: run a command while holding a lock.
 *
 * Waits for the lock (showing who holds it), runs the command with the fencing token in its
 * environment, forwards SIGINT/SIGTERM/SIGHUP to it, stops it if the lease is lost, releases the
 * lock when it ends and exits with its exit status.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { ConfigError } from '../errors.js';
import type { TicketInfo } from '../lock/events.js';
import { formatDuration } from './durations.js';
import { EXIT, signalExitCode } from './exit-codes.js';
import { type CliIo, line } from './io.js';
import { describeBlockers, type LockCliOptions, lockOptionsFrom } from './lock-options.js';
import type { CliSession } from './store-url.js';

/** Time a stopped command gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 10_000;
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function lockExec(
  session: CliSession,
  name: string,
  command: string[],
  options: LockCliOptions,
  io: CliIo,
): Promise<number> {
  if (command.length === 0) throw new ConfigError('lock exec: give the command after `--`', 'command');
  const lock = session.lock(name, { ...lockOptionsFrom(options), cleanupOnExit: false });
  const waiting = new WaitingLine(io, name);
  lock.on('waiting', ({ blockers }) => waiting.update(blockers));
  const abort = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  const onSignalWhileWaiting = (signal: NodeJS.Signals) => {
    interrupted = signal;
    abort.abort();
  };
  for (const s of FORWARDED_SIGNALS) process.on(s, onSignalWhileWaiting);
  let won: boolean;
  try {
    won = await lock.acquire({ signal: abort.signal });
  } catch (error) {
    if (interrupted) return signalExitCode(interrupted);
    throw error;
  } finally {
    for (const s of FORWARDED_SIGNALS) process.off(s, onSignalWhileWaiting);
    waiting.done();
  }
  if (!won) {
    line(
      io.stderr,
      `s3func: lock ${JSON.stringify(name)} not acquired within ${formatDuration(options.timeoutMs ?? 0)}`,
    );
    return EXIT.notAcquired;
  }
  try {
    return await runHolding(lock.signal as AbortSignal, command, io, {
      S3FUNC_LOCK_NAME: name,
      S3FUNC_LOCK_ID: lock.lockId ?? '',
      ...(lock.fencingToken === undefined ? {} : { S3FUNC_FENCING_TOKEN: String(lock.fencingToken) }),
    });
  } finally {
    await lock
      .release()
      .catch((error: unknown) => line(io.stderr, `s3func: release failed: ${String(error)}`));
  }
}

/** Runs the command; resolves to the exit code to report. */
function runHolding(
  holder: AbortSignal,
  command: string[],
  io: CliIo,
  extraEnv: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, command.slice(1), {
      stdio: 'inherit',
      env: { ...io.env, ...extraEnv },
    });
    let lost = false;
    let killTimer: NodeJS.Timeout | undefined;
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    const onLost = () => {
      lost = true;
      line(
        io.stderr,
        `s3func: ${String((holder.reason as Error | undefined)?.message ?? 'lock lost')}; stopping the command`,
      );
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    for (const s of FORWARDED_SIGNALS) process.on(s, forward);
    holder.addEventListener('abort', onLost, { once: true });
    const cleanup = () => {
      for (const s of FORWARDED_SIGNALS) process.off(s, forward);
      holder.removeEventListener('abort', onLost);
      clearTimeout(killTimer);
    };
    child.once('error', (error) => {
      cleanup();
      reject(new ConfigError(`cannot run ${JSON.stringify(command[0])}: ${error.message}`, 'command'));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      if (lost) resolve(EXIT.lockLost);
      else resolve(signal ? signalExitCode(signal) : (code ?? EXIT.failed));
    });
  });
}

/** Shows whom we wait for: a live line on a terminal, a plain line per change otherwise. */
class WaitingLine {
  readonly #io: CliIo;
  readonly #name: string;
  readonly #started = performance.now();
  #text = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(io: CliIo, name: string) {
    this.#io = io;
    this.#name = name;
  }

  update(blockers: TicketInfo[]): void {
    this.#text = describeBlockers(blockers);
    if (!this.#io.stderr.isTTY) {
      line(this.#io.stderr, `s3func: waiting for lock ${JSON.stringify(this.#name)}: ${this.#text}`);
      return;
    }
    this.#draw();
    this.#timer ??= setInterval(() => this.#draw(), 1000);
    this.#timer.unref();
  }

  #draw(): void {
    const waited = formatDuration(performance.now() - this.#started);
    this.#io.stderr.write(
      `\r\x1b[2Ks3func: waiting ${waited} for ${JSON.stringify(this.#name)}: ${this.#text}`,
    );
  }

  done(): void {
    clearInterval(this.#timer);
    if (this.#timer) this.#io.stderr.write('\r\x1b[2K');
  }
}
