import type { AppContext } from './context.js';
import { conflict } from './errors.js';

/**
 * The paid-hold workflow, declared once: something scarce (a registration slot, an exam place; next a
 * consultation, a drug order, a record copy, an emergency charge) is held for a patient until a
 * deadline, paid for, then used by the business; or the hold expires, or is cancelled and refunded.
 *
 *   held ──pay (only while the hold is live)──▶ paid ──▶ the business's own fulfilment states
 *     │                                          │        (confirmed, checked_in, completed, …)
 *     ├──deadline passed (sweep)──▶ expired       │
 *     └──cancel──▶ cancelled ◀──cancel (refund)───┘   (and from the fulfilment states the business names)
 *
 * Every move is a compare-and-set on the current state (`UPDATE … WHERE id = $1 AND state IN
 * sourcesOf(to)`), so a late payment, a duplicate cancel or the sweep racing a payment moves a hold once.
 *
 * The steps, each with the step that undoes it:
 *   1 hold         take the place, write the hold with its deadline     ⟲ release: give the place back,
 *                                                                          in the transaction that ends the hold
 *   2 openPayment  a payment order expiring with the hold               ⟲ closeOrder, after commit (a payment
 *                                                                          racing the close is refused by step 3
 *                                                                          and refunded by the payment platform)
 *   3 pay          held → paid while the hold is live                   ⟲ refund in full, keyed by the hold, after
 *                                                                          commit; owed as refund state 'pending' in
 *                                                                          the ending transaction, retried by a sweep
 * Undoing runs in reverse order of the steps done, the place first (with the state change, atomically),
 * then the money. A paid order is refunded, never closed, so 'refund' replaces 'closeOrder' once paid.
 *
 * The sweep jobs each workflow runs: `<module>.expire-lock` (a delayed job at the hold's deadline),
 * `<module>.release-expired-locks` (every minute: any hold past its deadline, should a delayed job be
 * lost with a killed server) and `<module>.retry-refunds` (every 5 minutes: refunds still 'pending').
 */

export const PAID_HOLD_STEPS = ['hold', 'openPayment', 'pay'] as const;
export type PaidHoldStep = (typeof PAID_HOLD_STEPS)[number];

export type Compensation = 'release' | 'closeOrder' | 'refund';

/** The compensating step of each step, and when it runs. */
export const COMPENSATION_OF: Record<
  PaidHoldStep,
  { compensation: Compensation; runs: 'inTransaction' | 'afterCommit' }
> = {
  hold: { compensation: 'release', runs: 'inTransaction' },
  openPayment: { compensation: 'closeOrder', runs: 'afterCommit' },
  pay: { compensation: 'refund', runs: 'afterCommit' },
};

/** The refund owed by an ended paid hold: 'pending' until requested, then the channel's states. */
export const REFUND_STATES = ['none', 'pending', 'requested', 'processing', 'succeeded', 'failed'] as const;
export type HoldRefundState = (typeof REFUND_STATES)[number];
/** Refund states a new answer from the payment platform may still replace (the request is in flight). */
export const REFUND_IN_FLIGHT: HoldRefundState[] = ['pending', 'requested', 'processing'];

export const PAID_HOLD_CRONS = { releaseExpiredLocks: '* * * * *', retryRefunds: '*/5 * * * *' } as const;

export interface PaidHoldSpec<S extends string> {
  /** the owning module: names the sweep jobs (`exams` → `exams.expire-lock`) */
  module: string;
  /** the business's names for the four states every paid hold has */
  states: { held: S; paid: S; expired: S; cancelled: S };
  /** what follows payment in this business: each fulfilment state and where it may go next */
  fulfilment?: Partial<Record<S, readonly S[]>>;
  /** the paid and fulfilment states a hold may still be cancelled (and refunded) from */
  cancellableWhenPaid: readonly S[];
  /** the payload field of the expire-lock job (`bookingId`, `registrationId`) */
  idField: string;
  /** the refund key of a hold's refund: one per hold, so a retry never refunds twice */
  refundKey: (holdId: string) => string;
}

export interface PaidHold<S extends string> {
  readonly spec: PaidHoldSpec<S>;
  /** every state, in lifecycle order */
  readonly states: readonly S[];
  /** the allowed moves: from → the states it may reach */
  readonly transitions: Readonly<Record<S, readonly S[]>>;
  readonly jobs: { expireLock: string; releaseExpiredLocks: string; retryRefunds: string };
  canMove(from: S, to: S): boolean;
  /** The states `to` may be reached from (the `state IN (…)` of a compare-and-set). */
  sourcesOf(to: S): S[];
  /** Refuses a move the table does not allow (409 STATE_TRANSITION_REFUSED). */
  assertMove(from: S, to: S): void;
  /**
   * What ending a hold (expiry or cancellation) undoes, in order: `inTransaction` with the state
   * change, `afterCommit` once it is committed. `paid`: the platform collected the money.
   */
  compensationsOnEnd(paid: boolean): { inTransaction: Compensation[]; afterCommit: Compensation[] };
  /** What undoes the steps before `failed` when it fails, last done first. */
  compensationsOnFailure(failed: PaidHoldStep): Compensation[];
  refundKey(holdId: string): string;
}

export function definePaidHold<S extends string>(spec: PaidHoldSpec<S>): PaidHold<S> {
  const { held, paid, expired, cancelled } = spec.states;
  const fulfilment = (spec.fulfilment ?? {}) as Partial<Record<S, readonly S[]>>;
  const cancellable = new Set<S>(spec.cancellableWhenPaid);
  const core = new Set<S>([held, paid, expired, cancelled]);
  if (core.size !== 4) throw new Error(`paid hold ${spec.module}: the four core states must differ`);
  for (const s of cancellable)
    if (s === held || s === expired || s === cancelled)
      throw new Error(`paid hold ${spec.module}: ${s} is not a paid state`);
  const later = (Object.keys(fulfilment) as S[]).filter((s) => s !== paid);
  const reachable = new Set<S>([...later, ...Object.values<readonly S[]>(fulfilment as never).flat()]);
  for (const s of reachable)
    if (s === held || s === expired || s === cancelled)
      throw new Error(`paid hold ${spec.module}: fulfilment may not lead to ${s}`);
  const states = [held, paid, ...[...reachable].filter((s) => s !== paid), expired, cancelled] as S[];

  const transitions = {} as Record<S, readonly S[]>;
  for (const s of states) {
    const next: S[] = [];
    if (s === held) next.push(paid, expired, cancelled);
    else if (s !== expired && s !== cancelled) {
      next.push(...(fulfilment[s] ?? []));
      if (cancellable.has(s)) next.push(cancelled);
    }
    transitions[s] = Object.freeze(next);
  }
  Object.freeze(transitions);

  const canMove = (from: S, to: S) => (transitions[from] ?? []).includes(to);
  return {
    spec,
    states,
    transitions,
    jobs: {
      expireLock: `${spec.module}.expire-lock`,
      releaseExpiredLocks: `${spec.module}.release-expired-locks`,
      retryRefunds: `${spec.module}.retry-refunds`,
    },
    canMove,
    sourcesOf: (to) => states.filter((from) => canMove(from, to)),
    assertMove(from, to) {
      if (!canMove(from, to))
        throw conflict(
          'STATE_TRANSITION_REFUSED',
          `当前状态（${from}）不能变为 ${to}`,
          `A ${spec.module} hold cannot move from ${from} to ${to}`,
          { from, to },
        );
    },
    compensationsOnEnd(wasPaid) {
      const done: PaidHoldStep[] = wasPaid ? ['hold', 'openPayment', 'pay'] : ['hold', 'openPayment'];
      return splitByPhase(undo(done));
    },
    compensationsOnFailure(failed) {
      return undo(PAID_HOLD_STEPS.slice(0, PAID_HOLD_STEPS.indexOf(failed)));
    },
    refundKey: spec.refundKey,
  };
}

/** The compensations of the steps done, last step first; a refund replaces closing a paid order. */
function undo(done: readonly PaidHoldStep[]): Compensation[] {
  const out = [...done].reverse().map((s) => COMPENSATION_OF[s].compensation);
  return out.includes('refund') ? out.filter((c) => c !== 'closeOrder') : out;
}

function splitByPhase(list: Compensation[]) {
  const phase = (c: Compensation) => Object.values(COMPENSATION_OF).find((x) => x.compensation === c)!.runs;
  return {
    inTransaction: list.filter((c) => phase(c) === 'inTransaction'),
    afterCommit: list.filter((c) => phase(c) === 'afterCommit'),
  };
}

/** Runs compensations in order; a missing handler means the business has nothing to undo there. */
export async function runCompensations(
  list: readonly Compensation[],
  handlers: Partial<Record<Compensation, () => Promise<void>>>,
): Promise<void> {
  for (const c of list) await handlers[c]?.();
}

/** Who asked for a hold's refund, as the payment platform records it. */
export function refundRequester(by: string | null | undefined): string {
  if (by?.startsWith('staff:')) return by;
  return by === 'patient' ? 'patient' : 'system';
}

/**
 * Registers the workflow's sweep jobs: the delayed expiry of one hold, the minute sweep of every
 * hold past its deadline, and the retry of refunds not yet requested.
 */
export function registerPaidHoldJobs<S extends string>(
  ctx: AppContext,
  hold: PaidHold<S>,
  work: {
    expireLock: (holdId: string) => Promise<unknown>;
    releaseExpiredLocks: () => Promise<unknown>;
    retryRefunds: () => Promise<unknown>;
  },
): void {
  ctx.jobs.register<Record<string, string>>(hold.jobs.expireLock, async (d) => {
    await work.expireLock(d[hold.spec.idField]);
  });
  ctx.jobs.register(hold.jobs.releaseExpiredLocks, async () => void (await work.releaseExpiredLocks()), {
    cron: PAID_HOLD_CRONS.releaseExpiredLocks,
  });
  ctx.jobs.register(hold.jobs.retryRefunds, async () => void (await work.retryRefunds()), {
    cron: PAID_HOLD_CRONS.retryRefunds,
  });
}

/** Starts the durable timer of one hold: its expire-lock job runs at the deadline. */
export function scheduleHoldExpiry<S extends string>(
  ctx: AppContext,
  hold: PaidHold<S>,
  holdId: string,
  deadline: Date,
): Promise<void> {
  return ctx.jobs.send(hold.jobs.expireLock, { [hold.spec.idField]: holdId }, { startAfter: deadline });
}
