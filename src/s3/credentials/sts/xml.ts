/**
 * STS answers (query protocol, XML): the credentials of `AssumeRole`, `AssumeRoleWithWebIdentity`
 * and `GetSessionToken`, and the `<ErrorResponse>` of a refusal. Errors never quote the body: it
 * may hold the very secrets it was sent to deliver.
 *
 * @module
 */
import { tryParseXmlDocument, type XmlElement } from '../../xml/document.js';
import { parseIsoTime } from '../iso-time.js';
import type { AwsCredentialIdentity } from '../types.js';

/** Temporary credentials as STS hands them out, with the identity they act as. */
export interface StsCredentials extends AwsCredentialIdentity {
  readonly sessionToken: string;
  readonly expiration: Date;
  /** The ARN of the assumed role's session, when STS said (`AssumedRoleUser/Arn`). */
  readonly arn: string | undefined;
}

/** What an STS `<ErrorResponse>` says. */
export interface StsErrorBody {
  readonly code: string | undefined;
  readonly message: string | undefined;
  readonly requestId: string | undefined;
}

/**
 * The credentials in a successful answer to `action`, or a reason why there are none (a string
 * that names what is missing, never a value).
 *
 * @example
 * ```ts
 * parseStsCredentials(xml, 'AssumeRole'); // { accessKeyId: 'ASIA…', …, expiration: Date } or 'no <Credentials>'
 * ```
 */
export function parseStsCredentials(body: string, action: string): StsCredentials | string {
  const root = tryParseXmlDocument(body);
  if (typeof root === 'string') return 'the answer is not well-formed XML';
  if (root.name !== `${action}Response`)
    return `the answer's root element is <${root.name}>, not <${action}Response>`;
  const result = only(root, `${action}Result`);
  const credentials = result && only(result, 'Credentials');
  if (credentials === undefined) return `the answer has no <${action}Result><Credentials>`;
  const accessKeyId = text(credentials, 'AccessKeyId');
  const secretAccessKey = text(credentials, 'SecretAccessKey');
  const sessionToken = text(credentials, 'SessionToken');
  const expirationText = text(credentials, 'Expiration');
  for (const [name, value] of [
    ['AccessKeyId', accessKeyId],
    ['SecretAccessKey', secretAccessKey],
    ['SessionToken', sessionToken],
    ['Expiration', expirationText],
  ] as const) {
    if (value === undefined) return `the answer's <Credentials> has no <${name}>`;
  }
  const expiration = parseIsoTime(expirationText);
  if (expiration === undefined) return "the answer's <Expiration> is not an ISO 8601 time";
  const user = result && only(result, 'AssumedRoleUser');
  return {
    accessKeyId: accessKeyId as string,
    secretAccessKey: secretAccessKey as string,
    sessionToken: sessionToken as string,
    expiration,
    arn: user && text(user, 'Arn'),
  };
}

/** The code, message and request id of an STS `<ErrorResponse>`; undefined for any other body. */
export function parseStsError(body: string): StsErrorBody | undefined {
  const root = tryParseXmlDocument(body);
  if (typeof root === 'string' || root.name !== 'ErrorResponse') return undefined;
  const error = only(root, 'Error');
  return {
    code: error && text(error, 'Code'),
    message: error && text(error, 'Message'),
    requestId: text(root, 'RequestId'),
  };
}

function only(element: XmlElement, name: string): XmlElement | undefined {
  const matches = element.children.filter((child) => child.name === name);
  return matches.length === 1 ? matches[0] : undefined;
}

function text(element: XmlElement, name: string): string | undefined {
  const value = only(element, name)?.text.trim();
  return value === '' ? undefined : value;
}
