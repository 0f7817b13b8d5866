/**
 * Concurrency limits as Lambda applies them, with no queueing: an invocation that would go past a
 * limit is throttled at once.
 *
 * - A function with reserved concurrency R may have at most R invocations in flight
 *   (ReservedFunctionConcurrentInvocationLimitExceeded past it).
 * - Functions without a reservation share the unreserved pool: the account limit minus every
 *   reservation (ConcurrentInvocationLimitExceeded past it).
 * - An optional scale rate limits how many new environments a function may start per second.
 */

export type ThrottleReason =
  | 'ReservedFunctionConcurrentInvocationLimitExceeded'
  | 'ConcurrentInvocationLimitExceeded'
  | 'FunctionInvocationRateLimitExceeded';

export interface ConcurrencyUser {
  /** Reserved concurrency; undefined = uses the unreserved pool. */
  reserved: number | undefined;
  /** Invocations in flight (including the init of a new environment). */
  active: number;
}

export class Account {
  private unreservedActive = 0;
  constructor(
    readonly limit: number,
    private readonly users: () => Iterable<ConcurrencyUser>,
  ) {}

  /** The reason this user would be throttled now, or undefined when it may run. */
  check(user: ConcurrencyUser): ThrottleReason | undefined {
    if (user.reserved !== undefined) {
      return user.active >= user.reserved ? 'ReservedFunctionConcurrentInvocationLimitExceeded' : undefined;
    }
    return this.unreservedActive >= this.unreservedLimit() ? 'ConcurrentInvocationLimitExceeded' : undefined;
  }

  acquire(user: ConcurrencyUser): void {
    user.active += 1;
    if (user.reserved === undefined) this.unreservedActive += 1;
  }

  /** `reservedAtAcquire` is the reservation the matching acquire saw (it may change meanwhile). */
  release(user: ConcurrencyUser, reservedAtAcquire: number | undefined): void {
    user.active -= 1;
    if (reservedAtAcquire === undefined) this.unreservedActive -= 1;
  }

  /** Account limit minus all reservations. */
  unreservedLimit(): number {
    let reserved = 0;
    for (const u of this.users()) reserved += u.reserved ?? 0;
    return this.limit - reserved;
  }
}

/**
 * Token bucket for new environments: refills continuously at `ratePerSec`, holds at most
 * `capacity` (default: one second's worth, at least 1), so unused rate does not pile up.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;
  private readonly capacity: number;

  constructor(
    private readonly ratePerSec: number,
    nowMs: number,
    capacity?: number,
  ) {
    this.capacity = capacity ?? Math.max(1, ratePerSec);
    this.tokens = this.capacity;
    this.lastMs = nowMs;
  }

  take(nowMs: number): boolean {
    const elapsedSec = Math.max(0, nowMs - this.lastMs) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsedSec * this.ratePerSec);
    this.lastMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
