import { createHash, randomBytes } from 'node:crypto';
import { signedHeaders } from './signing.js';
import {
  DEFAULT_TIMINGS,
  type HisSim,
  type HisSimOptions,
  type HisSimTimings,
  type SimPatient,
} from './types.js';

// What every part of the simulator shares: its settings and state, the scheduled work, and the
// signed pushes to the platform.

export class PushRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`platform answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

export type SimRuntime = ReturnType<typeof createRuntime>;

/** An answer the simulator gives to one of the platform's calls. */
export type Answer = { status: number; body: Record<string, unknown> };
export const refuse = (status: number, code: string, message: string): Answer => ({
  status,
  body: { code, message },
});
export const busy = (): Answer => refuse(503, 'HIS_BUSY', 'HIS temporarily unavailable (simulated)');

export function createRuntime(opts: HisSimOptions) {
  const timings: HisSimTimings = { ...DEFAULT_TIMINGS, ...opts.timings };
  const seed = opts.seed ?? 20261123;
  const admissionRate = opts.admissionRate ?? 0.1;
  const stayDays = opts.stayDays ?? 3;
  const prescriptionRate = opts.prescriptionRate ?? 0;
  const abnormalRate = opts.abnormalRate ?? 0.15;
  const adoptUnknownBills = opts.adoptUnknownBills ?? false;
  const log = opts.log ?? (() => undefined);
  /** where the pushes go, and how far the platform's clock is from ours */
  const link = {
    platformUrl: opts.platformUrl?.replace(/\/$/, ''),
    channel: opts.channel,
    skewMs: 0,
  };
  const now = opts.now ?? (() => new Date(Date.now() + link.skewMs));

  const state: HisSim['state'] = {
    received: [],
    visits: new Map(),
    bills: new Map(),
    writeBacks: new Map(),
    refunds: new Map(),
    cancellations: new Map(),
    registrations: new Map(),
    deposits: new Map(),
    settlements: [],
    admissions: new Map(),
    reports: new Map(),
    prescriptions: new Map(),
    patients: new Map(),
    errors: [],
  };
  const events = new Map<string, { visitNo?: string; billNo?: string; hisPatientId?: string }>();
  const faults = { writeBackFailures: 0, eventFailures: 0, refundFailures: 0, patientInfoFailures: 0 };
  /** the simulator's running numbers (visits, admissions, receipts) */
  const seq = { visit: 0, admission: 0, receipt: 0 };
  /** scheduled work not yet done, and whether the simulator was closed */
  const work = { pending: 0, closed: false };

  // ------------------------------------------------------------------ scheduled work
  let waiters: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const settle = () => {
    if (work.pending > 0) return;
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  };
  function later(ms: number, label: string, fn: () => Promise<void>) {
    if (work.closed) return;
    work.pending++;
    const timer = setTimeout(async () => {
      timers.delete(timer);
      try {
        if (!work.closed) await fn();
      } catch (err) {
        const msg = `${label}: ${(err as Error).message}`;
        state.errors.push(msg);
        log('push failed', { label, error: (err as Error).message });
      } finally {
        work.pending--;
        settle();
      }
    }, ms);
    timers.add(timer);
  }

  /** resolves when no scheduled work is left (the pushes it planned have been made) */
  const idle = () => (work.pending === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r)));

  /** stops: nothing scheduled runs any more, and whoever waits for idle() is released */
  function stop() {
    work.closed = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    work.pending = 0;
    settle();
  }

  // ------------------------------------------------------------------ pushes to the platform
  const dateOf = (d: Date) => {
    const local = new Date(d.getTime() + 8 * 3600_000); // the hospital's day (China Standard Time)
    return local.toISOString().slice(0, 10);
  };

  async function push(path: string, body: unknown): Promise<any> {
    if (!link.platformUrl || !link.channel) throw new Error('his-sim is not connected to a platform');
    const raw = JSON.stringify(body);
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= 5; attempt++) {
      if (work.closed) throw new Error('his-sim closed');
      const headers = signedHeaders(
        link.channel.appId,
        link.channel.secret,
        'POST',
        path,
        raw,
        Math.floor(now().getTime() / 1000),
        randomBytes(12).toString('hex'),
      );
      let res: Response;
      try {
        res = await fetch(link.platformUrl + path, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: raw,
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        lastError = err as Error;
        await sleep(timings.retryMs * attempt);
        continue;
      }
      const text = await res.text();
      const parsed = text ? safeJson(text) : {};
      if (res.ok) return parsed;
      if (res.status === 401 && parsed?.code === 'TIMESTAMP_STALE' && !opts.now) {
        // the platform's clock differs from ours: sign with its time from now on
        const serverTime = Number(parsed?.details?.serverTime);
        if (Number.isFinite(serverTime)) link.skewMs = serverTime * 1000 - Date.now();
        continue;
      }
      if (res.status >= 500 || res.status === 429) {
        lastError = new PushRefused(res.status, parsed);
        await sleep(timings.retryMs * attempt);
        continue;
      }
      throw new PushRefused(res.status, parsed);
    }
    throw lastError ?? new Error('push failed');
  }

  return {
    opts,
    timings,
    seed,
    admissionRate,
    stayDays,
    prescriptionRate,
    abnormalRate,
    adoptUnknownBills,
    log,
    now,
    link,
    state,
    events,
    faults,
    seq,
    work,
    later,
    idle,
    stop,
    dateOf,
    push,
  };
}

export function patientRef(p: SimPatient) {
  return {
    name: p.name,
    ...(p.idNumber ? { idNumber: p.idNumber } : {}),
    ...(p.visitCardNo ? { visitCardNo: p.visitCardNo } : {}),
  };
}

/** `n` decimal digits derived from a text (stable codes for simulated people). */
export function digitsOf(text: string, n: number): string {
  const h = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; out.length < n; i++) out += String(h[i % h.length] % 10);
  return out;
}

export function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
