/**
 * Fault injection for the B2 test server: the next N calls of an API answer with an error status
 * (503, 429 with `Retry-After`, 500, 408, …) or lose their connection, before or after the call
 * took effect.
 */

/** What goes wrong with a call. */
export type Fault =
  | { kind: 'status'; status: number; code: string; retryAfterSeconds?: number | undefined }
  /** The socket is destroyed without an answer; `after`: only once the call took effect (a lost answer). */
  | { kind: 'drop'; after: boolean };

/** B2's codes for the statuses tests inject (per Backblaze's "Calling the API" error list). */
export const CODE_FOR_STATUS: Readonly<Record<number, string>> = {
  408: 'request_timeout',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'service_unavailable',
};

/** Queues of faults per API name. */
export class FaultPlan {
  readonly #queues = new Map<string, Fault[]>();

  /** The next `count` calls of `api` suffer `fault`. */
  add(api: string, fault: Fault, count: number): void {
    const queue = this.#queues.get(api) ?? [];
    for (let i = 0; i < count; i++) queue.push(fault);
    this.#queues.set(api, queue);
  }

  /** Takes the fault for this call of `api`, if one is planned. */
  take(api: string): Fault | undefined {
    return this.#queues.get(api)?.shift();
  }

  /** Faults still waiting for `api`. */
  pending(api: string): number {
    return this.#queues.get(api)?.length ?? 0;
  }

  clear(): void {
    this.#queues.clear();
  }
}
