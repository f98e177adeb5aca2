/**
 * Where the credentials services live: STS and the IAM Identity Center (SSO) portal, by region,
 * unless the user configured an endpoint the way the AWS SDKs read one (service-specific endpoint
 * URLs: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, a profile's `services` section or `endpoint_url`,
 * all ignored under `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`). Pure functions.
 *
 * @module
 */
import { CredentialsError } from '../../errors.js';
import type { IniSection } from './ini/parse.js';

/** The services we call, by their SDK service id (which names their environment variable). */
export type CredentialServiceId = 'STS' | 'SSO';

/**
 * Regions where `AWS_STS_REGIONAL_ENDPOINTS=legacy` (or `sts_regional_endpoints = legacy`) still
 * sends STS calls to the global endpoint `sts.amazonaws.com`, as the SDKs do.
 */
const LEGACY_GLOBAL_STS_REGIONS: ReadonlySet<string> = new Set([
  'ap-northeast-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'aws-global',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
]);

/** A region name, as it may appear in a host name. */
const REGION = /^[a-z0-9-]{1,64}$/;

/** Profile settings that bear on endpoints: the profile's own, and the `services` sections. */
export interface EndpointConfig {
  readonly profile?: IniSection | undefined;
  readonly services?: Readonly<Record<string, IniSection>> | undefined;
}

/** The endpoint the user configured for `service`, if any (see the module comment for the order). */
export function configuredEndpoint(
  service: CredentialServiceId,
  env: NodeJS.ProcessEnv,
  config: EndpointConfig = {},
): string | undefined {
  if (
    isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) ||
    isTrue(config.profile?.ignore_configured_endpoint_urls)
  )
    return undefined;
  const fromEnv = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL;
  if (fromEnv) return fromEnv;
  const servicesName = config.profile?.services;
  const section = servicesName === undefined ? undefined : config.services?.[servicesName];
  return section?.[`${service.toLowerCase()}.endpoint_url`] || config.profile?.endpoint_url || undefined;
}

/** The STS endpoint for `region`: configured, else regional (global for `legacy` in the legacy regions). */
export function stsEndpoint(region: string, env: NodeJS.ProcessEnv, config: EndpointConfig = {}): URL {
  const configured = configuredEndpoint('STS', env, config);
  if (configured !== undefined) return endpointUrl(configured, 'the STS endpoint');
  checkRegion(region, 'STS');
  const mode = env.AWS_STS_REGIONAL_ENDPOINTS || config.profile?.sts_regional_endpoints;
  if (mode === 'legacy' && LEGACY_GLOBAL_STS_REGIONS.has(region)) return new URL('https://sts.amazonaws.com');
  return new URL(`https://sts.${region}.${dnsSuffix(region)}`);
}

/** The IAM Identity Center portal endpoint for the SSO region: configured, else `portal.sso.{region}`. */
export function ssoPortalEndpoint(region: string, env: NodeJS.ProcessEnv, config: EndpointConfig = {}): URL {
  const configured = configuredEndpoint('SSO', env, config);
  if (configured !== undefined) return endpointUrl(configured, 'the SSO portal endpoint');
  checkRegion(region, 'SSO');
  return new URL(`https://portal.sso.${region}.${dnsSuffix(region)}`);
}

function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

function checkRegion(region: string, service: string): void {
  if (!REGION.test(region)) {
    throw new CredentialsError(
      `the ${service} region must be lower-case letters, digits and hyphens, got ${JSON.stringify(region)}`,
    );
  }
}

function endpointUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CredentialsError(`${what} ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CredentialsError(`${what} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return url;
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}
