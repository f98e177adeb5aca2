/**
 * Leader election across processes, with failover.
 *
 *   npx tsx examples/leader-election.ts            three candidates; the leader is stopped twice
 *   npx tsx examples/leader-election.ts candidate  one candidate (what the three run)
 *
 * A candidate campaigns, and once elected does its "work" under its fencing token until it is
 * deposed or stopped. The coordinator starts three candidates, then stops the leader gracefully
 * (SIGTERM: it resigns at once) and then the next one abruptly (SIGKILL: its lease must run out),
 * printing who leads, with which token, and how long each failover took.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describeStore, openExampleStore, timingsFor } from './support/store.js';

const CANDIDATES = 3;

if (process.argv[2] === 'candidate') await candidate(process.argv[3] ?? `pid-${process.pid}`);
else await coordinator();

async function candidate(name: string): Promise<void> {
  const store = await openExampleStore();
  const election = store.election('scheduler', { ...timingsFor(store), value: { name } });
  election.on('deposed', (error) => {
    console.log(JSON.stringify({ event: 'deposed', name, reason: error.message }));
    process.exit(1);
  });
  await election.campaign();
  console.log(JSON.stringify({ event: 'elected', name, token: election.fencingToken }));
  // the leader's work: every write it makes carries its fencing token
  const timer = setInterval(
    () => console.log(JSON.stringify({ event: 'working', name, token: election.fencingToken })),
    500,
  );
  election.signal?.addEventListener('abort', () => clearInterval(timer));
}

interface Elected {
  name: string;
  token: number;
  at: number;
}

async function coordinator(): Promise<void> {
  const store = await openExampleStore();
  console.log(`leader election among ${CANDIDATES} processes on the ${describeStore(store)}`);
  const children = new Map<string, ChildProcess>();
  const elections: Elected[] = [];
  let onElected: ((e: Elected) => void) | undefined;
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1).padStart(5);

  for (let i = 1; i <= CANDIDATES; i++) {
    const name = `candidate-${i}`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), 'candidate', name],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: process.env,
      },
    );
    children.set(name, child);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      const event = JSON.parse(text) as { event: string; name: string; token?: number };
      if (event.event === 'elected') {
        const elected = { name: event.name, token: event.token as number, at: performance.now() };
        elections.push(elected);
        console.log(`${seconds()} s  ${event.name} leads, fencing token ${event.token}`);
        onElected?.(elected);
      }
    });
  }
  const nextLeader = () => new Promise<Elected>((resolve) => (onElected = resolve));

  const first = elections[0] ?? (await nextLeader());
  await new Promise((r) => setTimeout(r, 1500));
  for (const [signal, how] of [
    ['SIGTERM', 'stopped gracefully (it resigns)'],
    ['SIGKILL', 'killed (its lease must expire)'],
  ] as const) {
    const leader = elections[elections.length - 1] ?? first;
    const waiting = nextLeader();
    const stoppedAt = performance.now();
    children.get(leader.name)?.kill(signal);
    console.log(`${seconds()} s  ${leader.name} ${how}`);
    const heir = await waiting;
    console.log(
      `${seconds()} s  failover to ${heir.name} took ${((heir.at - stoppedAt) / 1000).toFixed(2)} s; token ${leader.token} → ${heir.token}`,
    );
    if (heir.token <= leader.token) throw new Error('fencing token did not increase');
    await new Promise((r) => setTimeout(r, 1000));
  }
  for (const child of children.values()) child.kill('SIGTERM');
  await Promise.all(
    [...children.values()].map((c) =>
      c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r)),
    ),
  );
  await store.close();
  console.log(
    `${seconds()} s  done: ${elections.length} leaders, tokens ${elections.map((e) => e.token).join(' → ')}`,
  );
}
