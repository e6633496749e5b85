import type { AppContext } from '../../platform/context.js';
import { DomainError } from '../../platform/errors.js';

/**
 * Admission control for the release peak. When thousands of patients book one clinic at the same
 * second, letting every request start its booking at once makes each of them wait for a pool
 * connection before every one of its statements, so all of them finish late together. Instead, per
 * clinic (schedule, segment asked for, channel), at most `BOOKING_MAX_IN_FLIGHT` bookings run at once in this process and the
 * others wait here in arrival order, holding no connection. When a booking finds the clinic sold out
 * the memo is set and every waiter is answered "sold out" from memory as soon as it is admitted.
 * Nothing is decided here: the atomic slot take in the database still alone claims a slot, so this
 * changes only the order and the time of the work, never the outcome, and it holds per process
 * (several instances each queue their own share).
 */
export class Gate {
  private running = 0;
  private readonly waiting: { go: () => void; who: string }[] = [];
  /** how many waiting requests each patient (account) has: the queue counts patients, not requests */
  private readonly waitingBy = new Map<string, number>();
  /** patients (accounts) that booked here while the gate was busy: their further requests claim nothing */
  private readonly holders = new Set<string>();
  /** waiting patients that may still claim a slot (in `waitingBy`, not in `holders`) */
  private contenders = 0;
  /** Free slots as the latest booking read them (before its own take); unknown at first. */
  private left: number | undefined;

  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
  ) {}

  /** A booking read how many slots are free (for the kind of request this gate queues). */
  observe(free: number): void {
    this.left = free;
  }

  /** `who` booked a slot here. */
  booked(who: string): void {
    if (this.holders.has(who)) return;
    this.holders.add(who);
    if (this.waitingBy.has(who)) this.contenders--;
  }

  /**
   * Waits for a turn; the returned function ends it (call it exactly once, in `finally`). A request
   * that would wait behind at least as many distinct patients (accounts) as there are free slots —
   * not counting those who already booked here — is answered "sold out" at once (`claimedAhead`):
   * every slot already has a patient queued for it ahead of this one, and the bookings running now
   * come on top. A slot that one of them leaves (a refusal, an unpaid lock)
   * goes back to the pool like any released slot.
   */
  async enter(who: string, onClaimedAhead: () => Error): Promise<() => void> {
    if (this.running < this.limit) {
      this.running++;
    } else {
      // distinct patients ahead, so that one account sending many requests cannot crowd others out
      const known = this.waitingBy.has(who) || this.holders.has(who);
      if (this.left !== undefined && !known && this.contenders >= this.left) throw onClaimedAhead();
      if (this.waiting.length >= this.maxWaiting) throw busy();
      const n = this.waitingBy.get(who) ?? 0;
      if (n === 0 && !this.holders.has(who)) this.contenders++;
      this.waitingBy.set(who, n + 1);
      await new Promise<void>((go) => this.waiting.push({ go, who }));
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      // the turn passes straight to the next waiter, so `running` stays the same
      if (next) {
        const n = (this.waitingBy.get(next.who) ?? 1) - 1;
        if (n > 0) this.waitingBy.set(next.who, n);
        else {
          this.waitingBy.delete(next.who);
          if (!this.holders.has(next.who)) this.contenders--;
        }
        next.go();
      } else this.running--;
    };
  }

  get idle(): boolean {
    return this.running === 0 && this.waiting.length === 0;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

const busy = () =>
  new DomainError(
    'REGISTRATION_BUSY',
    503,
    '当前挂号人数过多，请稍后重试',
    'Too many patients are booking this clinic right now; please try again shortly',
    { retryAfterSeconds: 2 },
  );

const gates = new WeakMap<AppContext, Map<string, Gate>>();

/**
 * Runs `fn` when the gate of `key` (a clinic, optionally a segment, and a channel) admits it; an idle
 * gate is dropped so the map stays small. `fn` may report the free slots it read through `observe`.
 */
export async function admitted<T>(
  ctx: AppContext,
  key: string,
  /** the patient (account) asking, so that the queue counts patients rather than requests */
  who: string,
  onClaimedAhead: () => Error,
  fn: (observe: (free: number) => void) => Promise<T>,
): Promise<T> {
  let byClinic = gates.get(ctx);
  if (!byClinic) gates.set(ctx, (byClinic = new Map()));
  let gate = byClinic.get(key);
  if (!gate) {
    gate = new Gate(ctx.config.BOOKING_MAX_IN_FLIGHT, ctx.config.BOOKING_MAX_WAITING);
    byClinic.set(key, gate);
  }
  const g = gate;
  const leave = await g.enter(who, onClaimedAhead);
  try {
    const result = await fn((free) => g.observe(free));
    g.booked(who);
    return result;
  } finally {
    leave();
    if (g.idle) byClinic.delete(key);
  }
}
