/**
 * The store conformance suite: the object semantics every session shares (`S3Session`,
 * `MemorySession`, `FileSession`, …), written once and registered for each store with
 * `describeStoreContract`. What a store documents it does not support is passed in `unsupported`
 * and shows up as skipped tests that say why; where a store differs from S3 only in form, its digest
 * (`listingDigest`) and error class (`requestError`) are declared and checked instead.
 *
 * @example
 * ```ts
 * describeStoreContract('MemorySession', async () => {
 *   const session = new MemorySession();
 *   return { session, cleanup: () => session.close() };
 * }, { versioned: false });
 * ```
 */
import { describe } from 'vitest';
import { conditionalContract } from './contract/conditional.js';
import { deleteCopyContract } from './contract/delete-copy.js';
import { contractContext, type StoreContractOptions, type StoreUnderTest } from './contract/harness.js';
import { keysContract } from './contract/keys.js';
import { listingContract } from './contract/listing.js';
import { objectContract } from './contract/objects.js';
import { validationContract } from './contract/validation.js';
import { versionContract } from './contract/versions.js';

export type { ContractFeature, StoreContractOptions, StoreUnderTest } from './contract/harness.js';

/** Registers the whole contract for one store; `makeStore` gives each test a fresh, empty store. */
export function describeStoreContract(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
  options: StoreContractOptions,
): void {
  describe(`store contract: ${name}`, () => {
    const context = contractContext(makeStore, options);
    objectContract(context);
    conditionalContract(context);
    listingContract(context);
    versionContract(context);
    deleteCopyContract(context);
    validationContract(context);
    keysContract(context);
  });
}
