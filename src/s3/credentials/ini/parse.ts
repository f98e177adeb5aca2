/**
 * The shared `config` and `credentials` files in AWS's INI dialect, parsed without I/O.
 *
 * The dialect, as the AWS SDKs read it: `[section]` headers; `name = value` settings (whitespace
 * around both trimmed, quotes kept); full-line comments starting with `#` or `;`, and inline
 * comments that start with `#` or `;` after whitespace; a setting with an empty value opens
 * sub-settings on the indented lines below it (`s3 =` then `  addressing_style = path`), stored as
 * `s3.addressing_style`. In the config file profiles are `[default]` and `[profile name]`, and
 * `[sso-session name]` and `[services name]` are sections of their own; other sections are ignored.
 * In the credentials file every section is a profile, named as written.
 *
 * Stricter than the JavaScript SDK, as the AWS CLI is: a line that is none of the above (a setting
 * outside any section, a header without its `]`, a line without `=`) is an error naming the file and
 * line, never the line's text, which may hold a secret.
 *
 * @module
 */

/** Settings of one section, in file order, later duplicates winning. */
export type IniSection = Record<string, string>;

/** What a config or credentials file defines. */
export interface ParsedIni {
  /** Profiles by name. */
  readonly profiles: Record<string, IniSection>;
  /** `[sso-session name]` sections by name (config file only). */
  readonly ssoSessions: Record<string, IniSection>;
  /** `[services name]` sections by name (config file only). */
  readonly services: Record<string, IniSection>;
}

/** Why a file is not in the INI dialect; `line` counts from 1. */
export class IniSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.line = line;
  }
}

/** Names that would reach an object's prototype if used as keys of a plain object. */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** `prefix name` in a config file section header. */
const PREFIXED = /^(profile|sso-session|services)\s+(\S(?:.*\S)?)$/;
/** A comment: `#` or `;` at the start of the (trimmed) line or after whitespace. */
const COMMENT = /(^|\s)[#;].*$/;

/**
 * Parses one file. `kind` decides how section headers name profiles.
 *
 * @example
 * ```ts
 * parseIni('[profile dev]\nregion = eu-west-1\n', 'config').profiles.dev; // { region: 'eu-west-1' }
 * ```
 * @throws IniSyntaxError naming the first line that is not valid
 */
export function parseIni(text: string, kind: 'config' | 'credentials'): ParsedIni {
  const result: ParsedIni = { profiles: blank(), ssoSessions: blank(), services: blank() };
  let section: IniSection | undefined;
  let inSection = false;
  let parent: string | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const content = raw.replace(COMMENT, '').trim();
    if (content === '') continue;
    const number = i + 1;
    if (content.startsWith('[')) {
      if (!content.endsWith(']')) throw new IniSyntaxError(number, 'a section header must end with "]"');
      const name = content.slice(1, -1).trim();
      if (name === '') throw new IniSyntaxError(number, 'a section header needs a name');
      section = sectionFor(result, name, kind, number);
      inSection = true;
      parent = undefined;
      continue;
    }
    if (!inSection) throw new IniSyntaxError(number, 'a setting must come after a [section] header');
    const equals = content.indexOf('=');
    if (equals <= 0) throw new IniSyntaxError(number, 'expected "name = value"');
    const name = content.slice(0, equals).trim();
    const value = content.slice(equals + 1).trim();
    if (FORBIDDEN_NAMES.has(name)) throw new IniSyntaxError(number, 'this setting name is not allowed');
    const indented = raw.trimStart() !== raw;
    if (parent !== undefined && !indented) parent = undefined;
    if (value === '') {
      // an empty value opens sub-settings on the indented lines that follow
      parent = name;
      continue;
    }
    if (section) section[parent === undefined ? name : `${parent}.${name}`] = value;
  }
  return result;
}

/** The section a header opens, or undefined for a config-file section that is not ours to read. */
function sectionFor(
  result: ParsedIni,
  header: string,
  kind: 'config' | 'credentials',
  line: number,
): IniSection | undefined {
  let table: Record<string, IniSection>;
  let name: string;
  const prefixed = PREFIXED.exec(header);
  if (kind === 'credentials') {
    table = result.profiles;
    name = header;
  } else if (header === 'default') {
    table = result.profiles;
    name = 'default';
  } else if (prefixed) {
    const [, prefix, rest] = prefixed as unknown as [string, string, string];
    table =
      prefix === 'profile'
        ? result.profiles
        : prefix === 'sso-session'
          ? result.ssoSessions
          : result.services;
    name = rest;
  } else {
    // `[name]` without `profile` in a config file is not a profile (the SDKs ignore it too)
    return undefined;
  }
  if (FORBIDDEN_NAMES.has(name)) throw new IniSyntaxError(line, 'this section name is not allowed');
  table[name] ??= blank();
  return table[name];
}

function blank<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
