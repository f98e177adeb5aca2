/**
 * The `s3func` command, run as users run it (the built `dist/cli.js`), on the embedded file store.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSession } from '../../src/index.js';
import { cli, start } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 's3func-cli-'));
const store = pathToFileURL(dir).href;
const FAST = ['--settle', '20ms', '--poll', '50ms'];
const session = new FileSession({ root: dir });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('s3func CLI', () => {
  it('prints help for every command and exits 0', async () => {
    for (const args of [
      ['--help'],
      ['lock', 'exec', '--help'],
      ['lock', 'status', '--help'],
      ['lock', 'break', '--help'],
      ['lock', 'reset', '--help'],
      ['probe', '--help'],
    ]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^usage: s3func/);
    }
  });

  it('bad arguments: one line on stderr, exit 2', async () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['lock', 'exec', 'job', '--lease', 'soon', '--store', store, '--', 'true'],
      ['lock', 'status', '--store', store],
      ['lock', 'exec', 'job', '--bogus', '--store', store, '--', 'true'],
      ['lock', 'exec', 'job', '--strategy', 'fastest', '--store', store, '--', 'true'],
      ['lock', 'status', 'job', '--store', 'ftp://x'],
      ['lock', 'status', 'job'],
    ]) {
      const r = await cli(args, { S3FUNC_STORE: '' });
      expect(r.code, args.join(' ')).toBe(2);
      if (args.length > 0) expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('lock exec runs the command holding the lock, with its token, and exits with its status', async () => {
    const r = await cli([
      'lock',
      'exec',
      'job',
      '--store',
      store,
      ...FAST,
      '--',
      'sh',
      '-c',
      'echo "token=$S3FUNC_FENCING_TOKEN"; exit 7',
    ]);
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/^token=\d+$/m);
    expect(await session.lockStatus('job')).toEqual([]);
  });

  it('lock exec --strategy conditional takes turns, and lock status shows the running turn', async () => {
    const held = cli([
      'lock',
      'exec',
      'turns',
      '--strategy',
      'conditional',
      '--store',
      store,
      ...FAST,
      '--',
      'sleep',
      '1',
    ]);
    let status: Awaited<ReturnType<typeof session.lockStatus>> = [];
    for (let i = 0; i < 100 && status.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 30));
      status = await session.lockStatus('turns');
    }
    expect(status).toMatchObject([{ mode: 'exclusive', holding: true, turn: 1 }]);
    const r = await cli([
      'lock',
      'exec',
      'turns',
      '--strategy',
      'conditional',
      '--store',
      store,
      ...FAST,
      '--',
      'sh',
      '-c',
      'echo "token=$S3FUNC_FENCING_TOKEN"',
    ]);
    expect((await held).code).toBe(0);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('token=2');
    expect(await session.lockStatus('turns')).toEqual([]);
  });

  it('concurrent lock exec never overlaps', async () => {
    const log = join(dir, 'overlap.log');
    const script = `echo "in $$" >> ${log}; sleep 0.2; echo "out $$" >> ${log}`;
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        cli(['lock', 'exec', 'shared-resource', '--store', store, ...FAST, '--', 'sh', '-c', script]),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(8);
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]?.startsWith('in ')).toBe(true);
      expect(lines[i + 1]).toBe(`out ${lines[i]?.slice(3)}`);
    }
  });

  it('--timeout gives up with exit 75 while someone holds the lock, saying who', async () => {
    const holder = start(process.execPath, [
      'dist/cli.js',
      'lock',
      'exec',
      'busy',
      '--store',
      store,
      ...FAST,
      '--',
      'sleep',
      '30',
    ]);
    await waitUntilHeld('busy');
    const r = await cli([
      'lock',
      'exec',
      'busy',
      '--timeout',
      '500ms',
      '--store',
      store,
      ...FAST,
      '--',
      'true',
    ]);
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/waiting for lock "busy": [0-9a-f]{13} \(exclusive/);
    holder.child.kill('SIGTERM');
    const done = await holder.finished;
    expect(done.code).toBe(143); // the command died of the forwarded SIGTERM
    expect(await session.lockStatus('busy')).toEqual([]);
  });

  it('shared holders coexist', async () => {
    const a = start(process.execPath, [
      'dist/cli.js',
      'lock',
      'exec',
      'rw',
      '--shared',
      '--store',
      store,
      ...FAST,
      '--',
      'sleep',
      '30',
    ]);
    await waitUntilHeld('rw');
    const b = await cli([
      'lock',
      'exec',
      'rw',
      '--shared',
      '--timeout',
      '5s',
      '--store',
      store,
      ...FAST,
      '--',
      'true',
    ]);
    expect(b.code).toBe(0);
    const w = await cli([
      'lock',
      'exec',
      'rw',
      '--timeout',
      '300ms',
      '--store',
      store,
      ...FAST,
      '--',
      'true',
    ]);
    expect(w.code).toBe(75);
    a.child.kill('SIGINT');
    expect((await a.finished).code).toBe(130);
  });

  it('lock status shows the holder; lock break spares it while it lives and breaks it once dead', async () => {
    const holder = start(process.execPath, [
      'dist/cli.js',
      'lock',
      'exec',
      'inspect-me',
      '--store',
      store,
      ...FAST,
      '--lease',
      '1s',
      '--',
      'sleep',
      '10',
    ]);
    await waitUntilHeld('inspect-me');
    const table = await cli(['lock', 'status', 'inspect-me', '--store', store]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+MODE\s+STATE\s+AGE\s+LEASE\s+HOLDER/);
    expect(table.stdout).toMatch(/[0-9a-f]{13}\s+exclusive\s+holding\s+.*1\.0 s/);
    const json = JSON.parse((await cli(['lock', 'status', 'inspect-me', '--json', '--store', store])).stdout);
    expect(json.tickets).toHaveLength(1);
    expect(json.tickets[0].lease.owner).toMatch(/:\d+$/);
    const young = await cli(['lock', 'break', 'inspect-me', '--store', store]);
    expect(young.stdout).toMatch(/no dead contender .* older than 2 h/);
    await new Promise((r) => setTimeout(r, 50));
    // old enough by its age, but its lease is renewed while the command watches it: spared (T2)
    const spared = await cli(['lock', 'break', 'inspect-me', '--older-than', '10ms', '--store', store]);
    expect(spared.stdout).toMatch(/no dead contender/);
    expect(await session.lockStatus('inspect-me')).toHaveLength(1);
    // killed without a chance to clean up: its lease stops changing, and the next break ends it
    const exited = new Promise((resolve) => holder.child.once('exit', resolve));
    holder.child.kill('SIGKILL');
    await exited; // (its command, orphaned, ends on its own)
    const broken = await cli(['lock', 'break', 'inspect-me', '--older-than', '10ms', '--store', store]);
    expect(broken.stdout).toMatch(/^broke [0-9a-f]{13}$/m);
    expect(await session.lockStatus('inspect-me')).toEqual([]);
  }, 60_000);

  it('lock reset gives a conditional lock back to tickets, with tokens above its turns', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await cli([
        'lock',
        'exec',
        'moving',
        '--strategy',
        'conditional',
        '--store',
        store,
        ...FAST,
        '--',
        'true',
      ]);
      expect(r.code).toBe(0);
    }
    const reset = await cli(['lock', 'reset', 'moving', '--store', store]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(
      /^reset "moving": \d+ object\(s\) deleted; ticket tokens continue above 1026$/m,
    );
    const ticket = await cli([
      'lock',
      'exec',
      'moving',
      '--strategy',
      'ticket',
      '--store',
      store,
      ...FAST,
      '--',
      'sh',
      '-c',
      'echo "token=$S3FUNC_FENCING_TOKEN"',
    ]);
    expect(ticket.stdout).toMatch(/^token=1027$/m);
  }, 60_000);

  it('probe reports on the file store, as text and JSON', async () => {
    const text = await cli(['probe', '--store', store]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/If-None-Match: \*\s+10\/10 races had exactly one winner: atomic/);
    expect(text.stdout).toMatch(/conditional strategy\s+qualifies/);
    const report = JSON.parse((await cli(['probe', '--json', '--store', store])).stdout);
    expect(report.timestampGranularityMs).toBe(1);
    expect(report.ifNoneMatch.atomic).toBe(true);
    expect(report.conditionalStrategy).toMatchObject({ qualified: true });
  });
});

async function waitUntilHeld(name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await session.lockStatus(name)).some((t) => t.holding && t.complete)) {
      await new Promise((r) => setTimeout(r, 200)); // past the confirming listing
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} was never held`);
}
