import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../../../../src/errors.js';
import {
  loadSharedFiles,
  profileName,
  profileRegion,
  profileSettings,
  sharedFilePaths,
} from '../../../../src/s3/credentials/ini/files.js';
import { IniSyntaxError, parseIni } from '../../../../src/s3/credentials/ini/parse.js';
import { awsHome } from '../../../support/aws/aws-home.js';

function syntaxError(text: string, kind: 'config' | 'credentials' = 'config'): IniSyntaxError {
  try {
    parseIni(text, kind);
  } catch (error) {
    expect(error).toBeInstanceOf(IniSyntaxError);
    return error as IniSyntaxError;
  }
  throw new Error('expected an IniSyntaxError');
}

describe('parseIni', () => {
  it('reads profiles, sso-session and services sections of a config file', () => {
    const parsed = parseIni(
      [
        '# a comment',
        '; another',
        '[default]',
        'region = eu-west-1',
        'output=json',
        '',
        '[profile dev]',
        'role_arn = arn:aws:iam::123456789012:role/dev   # inline comment',
        'source_profile=default',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        '[services local]',
        'sts =',
        '  endpoint_url = http://127.0.0.1:9000',
        '[not-a-profile]',
        'aws_access_key_id = IGNORED',
      ].join('\n'),
      'config',
    );
    expect({ ...parsed.profiles.default }).toEqual({ region: 'eu-west-1', output: 'json' });
    expect({ ...parsed.profiles.dev }).toEqual({
      role_arn: 'arn:aws:iam::123456789012:role/dev',
      source_profile: 'default',
    });
    expect({ ...parsed.ssoSessions.corp }).toEqual({
      sso_start_url: 'https://corp.awsapps.com/start',
      sso_region: 'us-east-1',
    });
    expect({ ...parsed.services.local }).toEqual({ 'sts.endpoint_url': 'http://127.0.0.1:9000' });
    expect(Object.keys(parsed.profiles).sort()).toEqual(['default', 'dev']);
  });

  it('takes credentials-file sections as profile names, [profile x] included, as written', () => {
    const parsed = parseIni('[dev]\naws_access_key_id = A\n[profile x]\nk = v\n', 'credentials');
    expect(Object.keys(parsed.profiles)).toEqual(['dev', 'profile x']);
  });

  it('keeps quotes and inner spaces, strips comments only after whitespace, reads CRLF and a BOM', () => {
    const parsed = parseIni(
      '\uFEFF[default]\r\ncredential_process = "/opt/my tools/creds" --user a#b\r\nk = v ;c\r\n',
      'config',
    );
    expect(parsed.profiles.default?.credential_process).toBe('"/opt/my tools/creds" --user a#b');
    expect(parsed.profiles.default?.k).toBe('v');
  });

  it('ends sub-settings at the first line that is not indented; later duplicates win', () => {
    const parsed = parseIni('[default]\ns3 =\n  addressing_style = path\nregion = a\nregion = b\n', 'config');
    expect({ ...parsed.profiles.default }).toEqual({ 's3.addressing_style': 'path', region: 'b' });
  });

  it('merges a section given twice', () => {
    const parsed = parseIni('[profile a]\nx = 1\n[profile b]\ny = 2\n[profile a]\nz = 3\n', 'config');
    expect({ ...parsed.profiles.a }).toEqual({ x: '1', z: '3' });
  });

  it('refuses malformed lines naming the line, never its content', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const cases: [string, number, RegExp][] = [
      [`aws_secret_access_key = ${secret}\n`, 1, /after a \[section\]/],
      [`[default]\naws_secret_access_key ${secret}\n`, 2, /name = value/],
      ['[default\nregion = x\n', 1, /end with "\]"/],
      ['[]\n', 1, /needs a name/],
      [`[default]\n= ${secret}\n`, 2, /name = value/],
      ['[profile __proto__]\nx = 1\n', 1, /not allowed/],
      ['[default]\n__proto__ = 1\n', 2, /not allowed/],
    ];
    for (const [text, line, reason] of cases) {
      const error = syntaxError(text);
      expect(error.line, text).toBe(line);
      expect(error.message).toMatch(reason);
      expect(error.message).not.toContain(secret);
    }
  });

  it('gives profile objects without a prototype (no name can reach Object.prototype)', () => {
    const parsed = parseIni('[profile constructor2]\ntoString = x\n', 'config');
    expect(Object.getPrototypeOf(parsed.profiles)).toBeNull();
    expect(Object.getPrototypeOf(parsed.profiles.constructor2)).toBeNull();
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });
});

describe('shared files', () => {
  it('finds the files under HOME, or where AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE say (~ expanded)', () => {
    expect(sharedFilePaths({ HOME: '/h' })).toEqual({
      configPath: '/h/.aws/config',
      credentialsPath: '/h/.aws/credentials',
    });
    expect(
      sharedFilePaths({ HOME: '/h', AWS_CONFIG_FILE: '~/c', AWS_SHARED_CREDENTIALS_FILE: '/x/creds' }),
    ).toEqual({ configPath: '/h/c', credentialsPath: '/x/creds' });
    expect(sharedFilePaths({ USERPROFILE: '/u' }).configPath).toBe('/u/.aws/config');
  });

  it('merges a profile from both files, the credentials file winning', async () => {
    const home = awsHome({
      config: '[profile dev]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n',
      credentials: '[dev]\naws_access_key_id = FROMCREDENTIALS\naws_secret_access_key = s\n',
    });
    try {
      const files = await loadSharedFiles(home.env);
      expect({ ...profileSettings(files, 'dev') }).toEqual({
        region: 'eu-west-1',
        aws_access_key_id: 'FROMCREDENTIALS',
        aws_secret_access_key: 's',
      });
      expect(profileSettings(files, 'missing')).toBeUndefined();
    } finally {
      home.remove();
    }
  });

  it('treats missing files as empty, and a malformed one as a CredentialsError naming file and line', async () => {
    const home = awsHome();
    try {
      const files = await loadSharedFiles(home.env);
      expect(Object.keys(files.config.profiles)).toEqual([]);
      home.write('.aws/credentials', '[default]\naws_access_key_id\n');
      const error = await loadSharedFiles(home.env).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as Error).message).toBe(
        `the shared credentials file ${home.path('.aws/credentials')} is malformed: line 2: expected "name = value"`,
      );
    } finally {
      home.remove();
    }
  });

  it('chooses the profile from the option, AWS_PROFILE, then default; reads its region', async () => {
    expect(profileName('a', { AWS_PROFILE: 'b' })).toBe('a');
    expect(profileName(undefined, { AWS_PROFILE: 'b' })).toBe('b');
    expect(profileName(undefined, {})).toBe('default');
    const home = awsHome({ config: '[default]\nregion = ap-south-1\n[profile x]\nregion = sa-east-1\n' });
    try {
      expect(await profileRegion(home.env)).toBe('ap-south-1');
      expect(await profileRegion({ ...home.env, AWS_PROFILE: 'x' })).toBe('sa-east-1');
      expect(await profileRegion(home.env, 'nope')).toBeUndefined();
      home.write('.aws/config', '[default\n');
      expect(await profileRegion(home.env)).toBeUndefined();
    } finally {
      home.remove();
    }
  });
});
