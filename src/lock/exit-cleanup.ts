/**
 * Releasing held locks when the process is asked to exit.
 *
 * Handlers for SIGINT, SIGTERM, SIGHUP and `beforeExit` are installed when the first lock registers
 * and stay installed: removing a signal listener makes Node (libuv) drop a signal that was caught
 * but not yet delivered, and a process that acquires and releases in a loop removed and re-added them
 * so often that about half of the SIGTERMs sent to it were lost (found by the Ceph campaign of
 * issue 14). While no lock is registered they release nothing: on a signal, unless the application
 * listens for it itself, they are removed and the signal raised again at once, so a process holding
 * no lock ends as it would have without this module. On a signal while locks are registered, every
 * one is released (bounded in time) first. Exit status, either way: 128 + signal number (130, 143,
 * 129).
 *
 * From the signal until the process ends, no lock may start an acquisition (`exitInProgress`): the
 * application's own loop keeps running while the locks are released, and a lock taken then would
 * be left behind — or, worse, would catch the raised signal again and keep the process alive.
 *
 * @module
 */
import { LOCK_DEFAULTS } from './defaults.js';

/** Something that can be released at exit. */
export interface ExitReleasable {
  releaseForExit(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type ExitSignal = (typeof SIGNALS)[number];

const registered = new Set<ExitReleasable>();
let installed = false;
let exiting: Promise<void> | undefined;
/** The signal being handled, from its arrival until the process ends (or the application goes on). */
let exitSignal: ExitSignal | undefined;

const onSignal = (signal: ExitSignal) => {
  exitSignal ??= signal;
  void releaseAll().then(() => {
    uninstall();
    // the application's own handler decides what happens next; otherwise die as we would have.
    // exitSignal stays set: the raised signal arrives a turn of the loop later, and no lock taken in
    // between may install the handlers again and swallow it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    else exitSignal = undefined;
  });
};
const onBeforeExit = () => {
  if (registered.size > 0) void releaseAll();
};

/**
 * The signal the process is exiting on, while its locks are released and until it ends; undefined
 * otherwise. Acquisitions refuse to start meanwhile.
 */
export function exitInProgress(): ExitSignal | undefined {
  return exitSignal;
}

/** Registers `lock` for release at exit; returns the function that unregisters it. */
export function registerForExit(lock: ExitReleasable): () => void {
  registered.add(lock);
  install();
  return () => {
    registered.delete(lock);
  };
}

/** Number of locks currently registered (for inspection). */
export function registeredForExit(): number {
  return registered.size;
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('beforeExit', onBeforeExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const signal of SIGNALS) process.off(signal, onSignal);
  process.off('beforeExit', onBeforeExit);
}

/** Releases every registered lock, giving up after `LOCK_DEFAULTS.exitCleanupMs`. */
function releaseAll(): Promise<void> {
  exiting ??= (async () => {
    const all = [...registered];
    registered.clear();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, LOCK_DEFAULTS.exitCleanupMs);
    });
    await Promise.race([Promise.allSettled(all.map((l) => l.releaseForExit())), timeout]);
    clearTimeout(timer);
  })().finally(() => {
    exiting = undefined;
  });
  return exiting;
}
