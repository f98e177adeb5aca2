// A contender process for the multi-process lock tests. Runs the BUILT package (dist/), as a user
// would. Configuration comes as JSON in argv[2]; events go to stdout as JSON lines, and every entry
// into and exit from the critical section is appended to a shared log file (O_APPEND writes of one
// line are atomic, so the log's order is the order in which processes entered and left).
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { S3Session } from '../../dist/index.js';

const config = JSON.parse(process.argv[2]);
const s3 = new S3Session({ ...config.s3, retry: { maxAttempts: 6 } });
const say = (event) => process.stdout.write(`${JSON.stringify({ pid: process.pid, ...event })}\n`);
const log = (line) => appendFileSync(config.logPath, `${line}\n`);

async function contend() {
  for (let i = 0; i < config.iterations; i++) {
    const mode = config.modes[i % config.modes.length];
    const lock = s3.lock(config.name, { ...config.lockOptions, mode });
    if (!(await lock.acquire())) throw new Error('acquire returned false without a timeout');
    log(`enter ${process.pid} ${mode} ${lock.fencingToken ?? '-'}`);
    await sleep(config.holdMs);
    log(`exit ${process.pid} ${mode}`);
    await lock.release();
  }
  say({ event: 'done' });
}

async function hold() {
  const lock = s3.lock(config.name, config.lockOptions);
  lock.on('broke', (info) => say({ event: 'broke', lockId: info.lockId }));
  const started = performance.now();
  await lock.acquire();
  say({
    event: 'held',
    lockId: lock.lockId,
    waitedMs: performance.now() - started,
    token: lock.fencingToken,
  });
  if (config.releaseAfterHold) {
    await lock.release();
    say({ event: 'released' });
    return;
  }
  await new Promise(() => {}); // hold until killed
}

try {
  await (config.role === 'hold' ? hold() : contend());
  await s3.close();
} catch (error) {
  say({ event: 'error', message: String(error?.stack ?? error) });
  process.exitCode = 1;
}
