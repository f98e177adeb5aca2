// A contender process for the multi-process B2 lock test. Runs the BUILT package (dist/, or the
// directory in S3FUNC_DIST), as a user would, against the B2 test server of the parent process.
// Configuration comes as JSON in argv[2]; events go to stdout as JSON lines; every entry into and
// exit from the critical section is appended to a shared log (one O_APPEND write per line).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const dist = process.env.S3FUNC_DIST ?? join(import.meta.dirname, '..', '..', 'dist');
const { B2Session } = await import(pathToFileURL(join(dist, 'index.js')).href);

const config = JSON.parse(process.argv[2]);
const b2 = new B2Session({ ...config.b2, retry: { maxAttempts: 6 } });
const say = (event) => process.stdout.write(`${JSON.stringify({ pid: process.pid, ...event })}\n`);
const log = (line) => appendFileSync(config.logPath, `${line}\n`);

async function contend() {
  for (let i = 0; i < config.iterations; i++) {
    const mode = config.modes[i % config.modes.length];
    const lock = b2.lock(config.name, { ...config.lockOptions, mode });
    if (!(await lock.acquire())) throw new Error('acquire returned false without a timeout');
    log(`enter ${process.pid} ${mode} ${lock.fencingToken ?? '-'}`);
    await sleep(config.holdMs);
    log(`exit ${process.pid} ${mode}`);
    await lock.release();
  }
  say({ event: 'done' });
}

async function hold() {
  const lock = b2.lock(config.name, config.lockOptions);
  await lock.acquire();
  say({ event: 'held', lockId: lock.lockId });
  await new Promise(() => {}); // hold until killed
}

try {
  await (config.role === 'hold' ? hold() : contend());
  await b2.close();
} catch (error) {
  say({ event: 'error', message: String(error?.stack ?? error) });
  process.exitCode = 1;
}
