import { expect } from 'vitest';
import { startSession } from '../../platform/auth.js';
import { newId } from '../../platform/ids.js';
import type { TestApp } from '../../testing/harness.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { addPatient as addPatientDirect } from '../identity/index.js';
import type { SandboxChannel } from '../../integrations/payments/sandbox/index.js';
import { addTestDoctor } from '../scheduling/testing.js';

export interface Clinic {
  scheduleId: string;
  doctorId: string;
  departmentId: string;
  segments: { id: string; seq: number; startAt: string; endAt: string }[];
}

/** A doctor of its own with one schedule, created through the console API. */
export async function openClinic(
  t: TestApp,
  adminToken: string,
  opts: {
    clinicDate: string;
    shiftCode?: string;
    feeFen?: number;
    segmentMinutes?: number;
    slotsPerSegment?: number;
    level?: 'general' | 'expert' | 'special';
    doctor?: { doctorId: string; departmentId: string };
  },
): Promise<Clinic> {
  const doc = opts.doctor ?? (await addTestDoctor(t));
  const res = await t.api.post('/api/v1/admin/schedules', {
    token: adminToken,
    body: {
      doctorId: doc.doctorId,
      departmentId: doc.departmentId,
      clinicDate: opts.clinicDate,
      shiftCode: opts.shiftCode ?? 'afternoon',
      segmentMinutes: opts.segmentMinutes ?? 60,
      slotsPerSegment: opts.slotsPerSegment ?? 3,
      level: opts.level ?? 'expert',
      feeFen: opts.feeFen ?? 5000,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    scheduleId: res.body.id,
    doctorId: doc.doctorId,
    departmentId: doc.departmentId,
    segments: res.body.segments,
  };
}

let patientSeq = 0;

/**
 * A logged-in account with one verified patient (the holder). The account is written directly and
 * the patient added through identity's service, so that dozens of them do not trip the SMS login
 * rate limits; the session is a real one.
 */
export async function newPatient(
  t: TestApp,
): Promise<{ token: string; accountId: string; patientId: string }> {
  const [p] = await manyPatients(t, 1);
  return p;
}

/**
 * Many patients quickly (concurrency tests): accounts written directly, patients through identity's
 * service (so they are verified and encrypted like any other), sessions through the platform.
 */
export async function manyPatients(
  t: TestApp,
  n: number,
): Promise<{ token: string; accountId: string; patientId: string }[]> {
  const ctx = t.app.ctx;
  const now = t.clock.now();
  const out: { token: string; accountId: string; patientId: string }[] = [];
  for (let k = 0; k < n; k++) {
    const i = patientSeq++;
    const accountId = newId();
    await ctx.database.raw.query('INSERT INTO accounts (id, created_at, updated_at) VALUES ($1, $2, $2)', [
      accountId,
      now,
    ]);
    const seq = String(100 + (i % 900)).padStart(3, '0');
    const region = String(110101 + Math.floor(i / 900));
    // the real-name sandbox knows the people the tests invent, as a population register would
    // (read loosely: the provider is optional in this helper's view of the adapters)
    (ctx.adapters as unknown as Record<string, { enrol?: (x: unknown) => void }>).identityVerifier?.enrol?.({
      name: '张三',
      idNumber: makeResidentId('19800101', region, seq),
    });
    const p = await addPatientDirect(ctx, accountId, {
      name: '张三',
      idType: 'resident_id',
      idNumber: makeResidentId('19800101', region, seq),
      phone: `136${String(10_000_000 + i).slice(-8)}`,
      relation: 'self',
    });
    const { accessToken } = await startSession(ctx, 'patient', accountId);
    out.push({ token: accessToken, accountId, patientId: p.id });
  }
  return out;
}

/** Pays a registration's order at the sandbox cashier and delivers the channel's notification. */
export async function payAtSandbox(
  t: TestApp,
  token: string,
  orderId: string,
  orderNo: string,
): Promise<void> {
  const started = await t.api.post(`/api/v1/payments/orders/${orderId}/pay`, {
    token,
    body: { channel: 'sandbox' },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const done = await t.api.post(`/api/v1/payments/sandbox/${orderNo}/complete`, {
    token,
    body: { outcome: 'success' },
  });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  await deliverSandboxNotifications(t, orderNo);
}

export async function deliverSandboxNotifications(t: TestApp, orderNo: string): Promise<void> {
  const sandbox = t.app.ctx.adapters.paymentChannels.sandbox as SandboxChannel;
  for (const n of await sandbox.notifications(t.app.ctx, orderNo)) {
    const r = await t.api.post('/api/v1/payments/notify/sandbox', { headers: n.headers, rawBody: n.rawBody });
    expect(r.status).toBe(200);
  }
}

export function sandboxOf(t: TestApp): SandboxChannel {
  return t.app.ctx.adapters.paymentChannels.sandbox as SandboxChannel;
}

/** Messages recorded for an account by template (the notification centre's table). */
export async function messagesOf(t: TestApp, accountId: string, template: string): Promise<number> {
  const r = await t.app.ctx.database.raw.query<{ n: string }>(
    'SELECT count(*) AS n FROM messages WHERE account_id = $1 AND template = $2',
    [accountId, template],
  );
  return Number(r.rows[0].n);
}

export async function slotStates(t: TestApp, scheduleId: string): Promise<Record<string, number>> {
  const r = await t.app.ctx.database.raw.query<{ state: string; n: string }>(
    'SELECT state, count(*) AS n FROM slots WHERE schedule_id = $1 GROUP BY state',
    [scheduleId],
  );
  return Object.fromEntries(r.rows.map((x) => [x.state, Number(x.n)]));
}

/**
 * The patient books a free clinic, then checks in at `checkInAt` (the test clock is moved there);
 * both answers are asserted. Returns the registration id and the check-in answer.
 */
export async function bookAndCheckIn(
  t: TestApp,
  p: { token: string; patientId: string },
  scheduleId: string,
  checkInAt: string,
): Promise<{ registrationId: string; checkIn: { state: string } & Record<string, unknown> }> {
  const booked = await t.api.post('/api/v1/registrations', {
    token: p.token,
    body: { patientId: p.patientId, scheduleId, idempotencyKey: `ci-${newId()}` },
  });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  t.clock.set(checkInAt);
  const checkIn = await t.api.post(`/api/v1/registrations/${booked.body.id}/check-in`, {
    token: p.token,
    body: {},
  });
  expect(checkIn.status, JSON.stringify(checkIn.body)).toBe(200);
  return { registrationId: booked.body.id as string, checkIn: checkIn.body };
}
