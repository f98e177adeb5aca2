/**
 * Exit codes of the `s3func` command, stable and documented in the README.
 *
 * @module
 */
export const EXIT = Object.freeze({
  ok: 0,
  /** A command-specific failure (for example `probe` finding the store unfit). */
  failed: 1,
  /** Bad arguments (as most Unix tools). */
  usage: 2,
  /** The store failed (network, permissions, bad responses): EX_IOERR. */
  storeError: 74,
  /** The lock was not acquired within `--timeout`: EX_TEMPFAIL. */
  notAcquired: 75,
  /** The lock was lost while the command ran; the command was stopped. */
  lockLost: 76,
});

/** Exit status of a process that died of `signal`, as a shell reports it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGTERM: 15,
  };
  return 128 + (numbers[signal] ?? 15);
}
