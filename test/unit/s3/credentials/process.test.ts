import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CredentialsError } from '../../../../src/errors.js';
import {
  parseProcessOutput,
  runCredentialProcess,
  splitCommand,
} from '../../../../src/s3/credentials/sources/process.js';

const SECRET = 'PROCESSsecret0123456789abcdefghijklmn';
const NOW = Date.parse('2026-11-25T12:00:00Z');

function credentialsError(fn: () => unknown): CredentialsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialsError);
    return error as CredentialsError;
  }
  throw new Error('expected a CredentialsError');
}

describe('splitCommand', () => {
  it('splits as a POSIX shell would, without expanding anything', () => {
    expect(splitCommand('/opt/bin/creds --username helen')).toEqual([
      '/opt/bin/creds',
      '--username',
      'helen',
    ]);
    expect(splitCommand('"/opt/my tools/creds" --user "helen smith"')).toEqual([
      '/opt/my tools/creds',
      '--user',
      'helen smith',
    ]);
    expect(splitCommand(`creds 'a "b" $HOME' "c \\"d\\" \\$x" e\\ f`)).toEqual([
      'creds',
      'a "b" $HOME',
      'c "d" $x',
      'e f',
    ]);
    expect(splitCommand('  creds   ""  ')).toEqual(['creds', '']);
    expect(splitCommand('C:\\\\Path\\\\creds.cmd')).toEqual(['C:\\Path\\creds.cmd']);
  });

  it('refuses unterminated quotes, a trailing backslash and an empty command', () => {
    expect(credentialsError(() => splitCommand('creds "a')).message).toMatch(/unterminated " quote/);
    expect(credentialsError(() => splitCommand("creds 'a")).message).toMatch(/unterminated ' quote/);
    expect(credentialsError(() => splitCommand('creds \\')).message).toMatch(/lone backslash/);
    expect(credentialsError(() => splitCommand('   ')).message).toMatch(/empty/);
  });
});

describe('parseProcessOutput', () => {
  const ok = { Version: 1, AccessKeyId: 'AKIDPROCESS', SecretAccessKey: SECRET };

  it('reads Version 1 output, with or without a session token and an expiration', () => {
    expect(parseProcessOutput(JSON.stringify(ok), NOW)).toEqual({
      accessKeyId: 'AKIDPROCESS',
      secretAccessKey: SECRET,
      sessionToken: undefined,
      expiration: undefined,
    });
    const temporary = parseProcessOutput(
      JSON.stringify({ ...ok, SessionToken: 'TOKEN', Expiration: '2026-11-25T13:00:00Z' }),
      NOW,
    );
    expect(temporary.sessionToken).toBe('TOKEN');
    expect(temporary.expiration?.toISOString()).toBe('2026-11-25T13:00:00.000Z');
    expect(parseProcessOutput(`\n ${JSON.stringify(ok)} \n`, NOW).accessKeyId).toBe('AKIDPROCESS');
  });

  it('refuses what is not credentials, naming the field and never echoing the output', () => {
    const cases: [string, RegExp][] = [
      [`not json ${SECRET}`, /not JSON/],
      [`[${JSON.stringify(ok)}]`, /not an object/],
      [JSON.stringify({ ...ok, Version: 2 }), /Version other than 1/],
      [JSON.stringify({ ...ok, Version: '1' }), /Version other than 1/],
      [JSON.stringify({ ...ok, AccessKeyId: undefined }), /no AccessKeyId/],
      [JSON.stringify({ ...ok, SecretAccessKey: '' }), /no SecretAccessKey/],
      [JSON.stringify({ ...ok, SessionToken: 5 }), /SessionToken that is not a string/],
      [JSON.stringify({ ...ok, Expiration: 'tomorrow' }), /not an ISO 8601 time/],
      [JSON.stringify({ ...ok, Expiration: '2026-02-30T00:00:00Z' }), /not an ISO 8601 time/],
      [JSON.stringify({ ...ok, Expiration: '2026-11-25T11:59:59Z' }), /expired at 2026-11-25T11:59:59.000Z/],
    ];
    for (const [output, reason] of cases) {
      const error = credentialsError(() => parseProcessOutput(output, NOW));
      expect(error.message, output).toMatch(reason);
      expect(error.message).not.toContain(SECRET);
    }
  });
});

describe('runCredentialProcess', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3func-process-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return `"${process.execPath}" "${path}"`;
  };
  const run = (command: string, timeoutMs = 5_000) =>
    runCredentialProcess({ command, env: { PATH: process.env.PATH }, timeoutMs });

  it('runs the command with its arguments, without a shell, and reads its output', async () => {
    const command = script(
      'ok.mjs',
      `const [user, literal] = process.argv.slice(2);
       console.log(JSON.stringify({ Version: 1, AccessKeyId: 'AKID-' + user, SecretAccessKey: ${JSON.stringify(SECRET)}, SessionToken: literal }));`,
    );
    const credentials = await run(`${command} "helen smith" '$HOME'`);
    expect(credentials.accessKeyId).toBe('AKID-helen smith');
    expect(credentials.sessionToken).toBe('$HOME');
  });

  it('a non-zero exit names the status and the last line of stderr, never stdout', async () => {
    const command = script(
      'fail.mjs',
      `console.log(${JSON.stringify(SECRET)}); console.error('line one'); console.error('token expired: run login'); process.exit(3);`,
    );
    const error = await run(command).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toBe(
      'credential_process exited with status 3 (stderr: token expired: run login)',
    );
  });

  it('garbage output is refused without being quoted', async () => {
    const command = script('garbage.mjs', `console.log('here is a secret: ' + ${JSON.stringify(SECRET)});`);
    const error = (await run(command).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('credential_process printed something that is not JSON');
  });

  it('a command that hangs is killed at the time limit', async () => {
    const command = script('hang.mjs', 'setInterval(() => {}, 1000);');
    const started = Date.now();
    const error = (await run(command, 300).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('credential_process did not finish within 300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a grandchild that keeps the pipes open does not hold the result up', async () => {
    const command = script(
      'grandchild.mjs',
      `import { spawn } from 'node:child_process';
       spawn(process.execPath, ['-e', 'setTimeout(() => {}, 3000)'], { stdio: 'inherit', detached: true }).unref();
       console.log(JSON.stringify({ Version: 1, AccessKeyId: 'AKIDGRANDCHILD', SecretAccessKey: 'x' }));`,
    );
    const started = Date.now();
    expect((await run(command, 2_500)).accessKeyId).toBe('AKIDGRANDCHILD');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('endless output is cut off', async () => {
    const command = script(
      'flood.mjs',
      `const line = 'x'.repeat(1024) + '\\n'; for (;;) process.stdout.write(line);`,
    );
    const error = (await run(command).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/printed more than 65536 bytes/);
  });

  it('a command that does not exist says so', async () => {
    const error = (await run(join(dir, 'no-such-command')).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toMatch(/could not run .*no-such-command: ENOENT/);
  });
});
