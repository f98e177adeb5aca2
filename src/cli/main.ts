/**
 * The `s3func` command: `lock exec`, `lock status`, `lock break`, `lock reset`, `probe`.
 *
 * @module
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isS3funcError } from '../errors.js';
import { LOCK_DEFAULTS } from '../lock/defaults.js';
import { credentialsHint, credentialsOf, describeCredentials } from './credentials.js';
import { parseDuration } from './durations.js';
import { EXIT } from './exit-codes.js';
import { type CliIo, line } from './io.js';
import { lockExec } from './lock-exec.js';
import { LOCK_ARG_OPTIONS, lockCliOptions } from './lock-options.js';
import { lockBreak, lockReset, lockStatus } from './lock-status.js';
import { probe } from './probe.js';
import { type CliSession, openStore, STORE_ENV } from './store-url.js';

const STORE_HELP = `  --store URL     file:///dir, s3://bucket or b2://bucket (default $${STORE_ENV})
                  S3 credentials as the AWS CLI finds them: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
                  AWS_PROFILE and ~/.aws (SSO, roles, credential_process), web identity, ECS/EKS,
                  EC2; region from AWS_REGION or the profile; endpoint from AWS_ENDPOINT_URL_S3.
                  B2 from B2_APPLICATION_KEY_ID, B2_APPLICATION_KEY
  -v, --verbose   say which credentials are used (never the secret)`;

export const HELP: Readonly<Record<string, string>> = {
  main: `usage: s3func <command> [options]

Coordinate processes through object storage.

commands:
  lock exec <name> -- <command…>   run a command while holding a lock
  lock status <name>               show the tickets of a lock
  lock break <name>                break dead contenders older than a given age
  lock reset <name>                give a conditional-strategy lock back to tickets
  probe                            measure whether a store suits the lock protocol

Run \`s3func <command> --help\` for a command's options.`,
  exec: `usage: s3func lock exec <name> [options] -- <command> [args…]

Waits for the lock, runs the command with S3FUNC_FENCING_TOKEN, S3FUNC_LOCK_ID and S3FUNC_LOCK_NAME
in its environment, forwards SIGINT/SIGTERM/SIGHUP to it, stops it if the lock is lost, releases
the lock and exits with the command's exit status.

options:
  --shared        take a shared (reader) lock instead of an exclusive one
  --lease D       lease duration (default 30s)
  --timeout D     give up after D (default: wait for ever); exit status 75
  --settle D      settle delay before a win is confirmed (default 2s; s3func probe recommends one)
  --poll D        listing interval while waiting (default 1s)
  --strategy S    ticket (default; any store, Python-compatible), conditional (create-only
                  writes, no settle delay) or auto (conditional where the store qualifies)
${STORE_HELP}

durations: 500ms, 30s, 5m, 2h, 1d; a bare number means seconds.
exit status: the command's; 2 bad arguments, 74 store error, 75 not acquired, 76 lock lost.`,
  status: `usage: s3func lock status <name> [--json] [--store URL]

Lists the tickets of a lock, oldest first: id, mode, whether it holds or waits, age, lease, holder.
For a lock of the conditional strategy: its running turns, in turn order.

options:
  --json          print JSON instead of a table
${STORE_HELP}`,
  break: `usage: s3func lock break <name> [--older-than D] [--store URL]

Breaks the dead contenders of a lock older than D (default 2h): tickets (or running turns) whose
lease stays unchanged for its whole duration while the command watches it (so it takes about one
lease when there is one to judge), and tickets without a lease (Python s3func contenders) by age
alone. A contender that renews its lease is never broken, however old.

options:
  --older-than D  age gate (default 2h)
${STORE_HELP}`,
  reset: `usage: s3func lock reset <name> [--store URL]

Gives a lock of the conditional strategy back to tickets: writes a fence object above every
fencing token its turns gave out (so tokens keep rising), then deletes its turns, done markers and
marker. Stop every process that uses the lock first; it refuses while a turn is running.

options:
${STORE_HELP}`,
  probe: `usage: s3func probe [--json] [--store URL]

Measures the store: list-after-write lag, timestamp granularity, versioning, If-None-Match
atomicity under a concurrent race, If-Match support; recommends a settle delay and says whether
the store qualifies for the conditional lock strategy.

options:
  --json          print JSON instead of a report
${STORE_HELP}`,
};

type ParseArgsOptions = NonNullable<ParseArgsConfig['options']>;

const LOCK_COMMANDS: Readonly<Record<string, 'exec' | 'status' | 'break' | 'reset'>> = {
  exec: 'exec',
  status: 'status',
  break: 'break',
  reset: 'reset',
};

/** Usage errors: one line, exit status 2. */
class UsageError extends Error {}

/** Runs the command line `argv` (without node and script); resolves to the exit status. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let session: CliSession | undefined;
  try {
    const [first, second] = argv;
    if (first === undefined || first === '--help' || first === '-h') {
      line(first === undefined ? io.stderr : io.stdout, HELP.main);
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    if (first === '--version') {
      line(io.stdout, VERSION);
      return EXIT.ok;
    }
    const command = first === 'lock' ? second : first;
    const rest = argv.slice(first === 'lock' ? 2 : 1);
    const help = first === 'lock' ? LOCK_COMMANDS[command ?? ''] : first === 'probe' ? 'probe' : undefined;
    if (help === undefined)
      throw new UsageError(
        `unknown command ${JSON.stringify([first, second].filter(Boolean).join(' '))}; see s3func --help`,
      );
    const dashDash = rest.indexOf('--');
    const ownArgs = dashDash < 0 ? rest : rest.slice(0, dashDash);
    if (ownArgs.includes('--help') || ownArgs.includes('-h')) {
      line(io.stdout, HELP[help] as string);
      return EXIT.ok;
    }
    const parsed = parse(help, rest);
    session = openStore(parsed.values.store as string | undefined, io.env);
    if (parsed.values.verbose === true) {
      const credentials = await credentialsOf(session);
      if (credentials) line(io.stderr, `s3func: credentials: ${describeCredentials(credentials)}`);
    }
    switch (help) {
      case 'exec': {
        const [name, ...command] = parsed.positionals;
        if (!name) throw new UsageError('lock exec: give a lock name');
        return await lockExec(session, name, command, lockCliOptions(parsed.values), io);
      }
      case 'status':
        return await lockStatus(
          session,
          onlyName(parsed.positionals, 'status'),
          parsed.values.json === true,
          io,
        );
      case 'break': {
        const olderThan = parsed.values['older-than'] as string | undefined;
        const olderThanMs =
          olderThan === undefined ? LOCK_DEFAULTS.breakAgeMs : parseDuration(olderThan, '--older-than');
        return await lockBreak(session, onlyName(parsed.positionals, 'break'), olderThanMs, io);
      }
      case 'reset':
        return await lockReset(session, onlyName(parsed.positionals, 'reset'), io);
      case 'probe':
        if (parsed.positionals.length > 0) throw new UsageError('probe takes no arguments');
        return await probe(session, parsed.values.json === true, io);
      default:
        return EXIT.usage;
    }
  } catch (error) {
    const code = report(error, io);
    const hint = await credentialsHint(session, error);
    if (hint !== undefined) line(io.stderr, `s3func: ${hint}`);
    return code;
  } finally {
    await session?.close?.().catch(() => {});
  }
}

function parse(command: 'exec' | 'status' | 'break' | 'reset' | 'probe', args: string[]) {
  const options: ParseArgsOptions = {
    store: { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    ...(command === 'exec' ? LOCK_ARG_OPTIONS : {}),
    ...(command === 'status' || command === 'probe' ? { json: { type: 'boolean' } } : {}),
    ...(command === 'break' ? { 'older-than': { type: 'string' } } : {}),
  };
  try {
    // everything after `--` is the command to run, never our options
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

function onlyName(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`lock ${command}: give exactly one lock name`);
  return positionals[0] as string;
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    line(io.stderr, `s3func: ${error.message}`);
    return EXIT.usage;
  }
  if (isS3funcError(error) && error.code === 'ERR_CONFIG') {
    line(io.stderr, `s3func: ${error.message}`);
    return EXIT.usage;
  }
  line(io.stderr, `s3func: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.storeError;
}

/** Replaced at build time with the package version. */
declare const __S3FUNC_VERSION__: string;
const VERSION = typeof __S3FUNC_VERSION__ === 'string' ? __S3FUNC_VERSION__ : 'dev';
