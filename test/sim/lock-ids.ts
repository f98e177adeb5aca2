/**
 * Deterministic lock ids. The lock core draws ids from `nanoid` (crypto randomness); the `sim`
 * project's setup file mocks `newLockId` to call `nextLockId`, which each case points at its own
 * seeded stream, so ids — and with them key order and tie-breaks — replay exactly.
 *
 * @module
 */
let source: () => string = () => {
  throw new Error('lock id requested outside a simulation case');
};

export function setLockIdSource(next: () => string): void {
  source = next;
}

export function nextLockId(): string {
  return source();
}
