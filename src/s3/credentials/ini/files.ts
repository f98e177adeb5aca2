/**
 * Finding and reading the shared `config` and `credentials` files, and merging what they say about
 * one profile, as the AWS SDKs do: `AWS_CONFIG_FILE` (default `~/.aws/config`) and
 * `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`); a missing file is an empty one; a
 * profile's settings from the credentials file win over the config file's.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CredentialsError } from '../../../errors.js';
import { type IniSection, IniSyntaxError, type ParsedIni, parseIni } from './parse.js';

/** The profile used when neither an option nor `AWS_PROFILE` names one. */
export const DEFAULT_PROFILE = 'default';

/** Both files, parsed, with where they were looked for. */
export interface SharedFiles {
  readonly configPath: string;
  readonly credentialsPath: string;
  readonly config: ParsedIni;
  readonly credentials: ParsedIni;
}

/** The home directory as the SDKs find it: `HOME`, `USERPROFILE`, `HOMEDRIVE`+`HOMEPATH`, then the OS. */
export function homeDir(env: NodeJS.ProcessEnv): string {
  if (env.HOME) return env.HOME;
  if (env.USERPROFILE) return env.USERPROFILE;
  if (env.HOMEPATH) return `${env.HOMEDRIVE ?? 'C:\\'}${env.HOMEPATH}`;
  return homedir();
}

/** `~/…` expanded against the home directory; other paths as they are. */
export function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  return path === '~' || path.startsWith('~/') ? join(homeDir(env), path.slice(2)) : path;
}

/** Where the two files are, for this environment. */
export function sharedFilePaths(env: NodeJS.ProcessEnv): { configPath: string; credentialsPath: string } {
  return {
    configPath: expandHome(env.AWS_CONFIG_FILE || join(homeDir(env), '.aws', 'config'), env),
    credentialsPath: expandHome(
      env.AWS_SHARED_CREDENTIALS_FILE || join(homeDir(env), '.aws', 'credentials'),
      env,
    ),
  };
}

/**
 * Reads and parses both files. A file that does not exist counts as empty; one that cannot be read
 * or parsed is a `CredentialsError` naming the file (and line), never its content.
 */
export async function loadSharedFiles(env: NodeJS.ProcessEnv): Promise<SharedFiles> {
  const { configPath, credentialsPath } = sharedFilePaths(env);
  const [config, credentials] = await Promise.all([
    loadOne(configPath, 'config'),
    loadOne(credentialsPath, 'credentials'),
  ]);
  return { configPath, credentialsPath, config, credentials };
}

async function loadOne(path: string, kind: 'config' | 'credentials'): Promise<ParsedIni> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return parseIni('', kind);
    throw new CredentialsError(`cannot read the shared ${kind} file ${path}: ${code ?? String(error)}`, [], {
      cause: error,
    });
  }
  try {
    return parseIni(text, kind);
  } catch (error) {
    if (error instanceof IniSyntaxError) {
      throw new CredentialsError(`the shared ${kind} file ${path} is malformed: ${error.message}`);
    }
    throw error;
  }
}

/** A profile's settings: the config file's, overridden by the credentials file's; undefined if neither has it. */
export function profileSettings(files: SharedFiles, name: string): IniSection | undefined {
  const fromConfig = files.config.profiles[name];
  const fromCredentials = files.credentials.profiles[name];
  if (fromConfig === undefined && fromCredentials === undefined) return undefined;
  return Object.assign(Object.create(null) as IniSection, fromConfig, fromCredentials);
}

/** Every profile name either file defines. */
export function profileNames(files: SharedFiles): string[] {
  return [...new Set([...Object.keys(files.config.profiles), ...Object.keys(files.credentials.profiles)])];
}

/** The profile to use: the option, else `AWS_PROFILE`, else `default`. */
export function profileName(option: string | undefined, env: NodeJS.ProcessEnv): string {
  return option || env.AWS_PROFILE || DEFAULT_PROFILE;
}

/**
 * The region a profile names (`region` in the config file), for sessions given no region and no
 * `AWS_REGION`; undefined when there is none or the files cannot be read (a region is a hint, and
 * the bucket's own region is discovered anyway).
 */
export async function profileRegion(env: NodeJS.ProcessEnv, profile?: string): Promise<string | undefined> {
  try {
    const files = await loadSharedFiles(env);
    return profileSettings(files, profileName(profile, env))?.region || undefined;
  } catch {
    return undefined;
  }
}
