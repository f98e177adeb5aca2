/**
 * Everything the default chain loads only when it runs past the environment (and what a session
 * loads to read a profile's region), gathered in one module. In the source each piece is imported
 * on its own (`import('./sources/imds.js')`); the build ships this module as a file of its own
 * (`dist/credentials.js`) and points those imports at it, so the package's entry point does not
 * carry, or parse, code that sessions with credentials in the environment never run (see
 * tsup.config.ts). Export names are unique across the pieces for that reason.
 *
 * @module
 */
export { runChain } from './chain-run.js';
export { profileRegion } from './ini/files.js';
export { containerCredentials, containerEndpoint } from './sources/container.js';
export { imdsCredentials } from './sources/imds.js';
export { fromProfile } from './sources/profile.js';
export { webIdentityCredentials } from './sources/web-identity.js';
