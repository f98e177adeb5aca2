/**
 * Running the built CLI and the examples as child processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout or stderr contains `text`. */
  waitFor(text: string): Promise<void>;
  finished: Promise<Finished>;
}

/** Starts a process with captured output. */
export function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const watchers: { text: string; resolve(): void }[] = [];
  const check = () => {
    for (const w of [...watchers]) {
      if (out.includes(w.text) || err.includes(w.text)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    check();
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    check();
  });
  const finished = new Promise<Finished>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (text) =>
      new Promise((resolve) => {
        watchers.push({ text, resolve });
        check();
      }),
    finished,
  };
}

/** Runs the CLI to completion. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return start(process.execPath, [CLI, ...args], env).finished;
}

/** Runs an example with tsx to completion. */
export function example(file: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return start(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', file), ...args], env).finished;
}
