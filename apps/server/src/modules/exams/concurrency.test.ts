import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, isPostgres, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { manyPatients, payAtSandbox } from '../registration/testing.js';

/**
 * Exam places under load: a place is taken by one conditional UPDATE (taken < capacity), each
 * patient's booking changes are serialised, and the partial unique index backs the one-per-day rule,
 * so parallel requests can neither oversell a date nor give one patient two bookings on it.
 * PostgreSQL only: PGlite has a single connection.
 */
let t: TestApp;
let operator: string;
type Patient = { token: string; accountId: string; patientId: string };

beforeAll(async () => {
  if (!isPostgres()) return;
  t = await createTestApp({ poolSize: 20 });
  operator = (await loginStaff(t, 'operator')).token;
});
afterAll(async () => t?.close());

let seq = 0;
async function openPackage(dates: Record<string, number>): Promise<string> {
  const res = await t.api.post('/api/v1/admin/exam-packages', {
    token: operator,
    body: {
      code: `RACE-${Date.now() % 100000}-${seq++}`,
      name: '基础体检套餐',
      priceFen: 19900,
      items: [{ name: '血常规', category: '实验室检查' }],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  for (const [date, capacity] of Object.entries(dates)) {
    const cap = await t.api.put(`/api/v1/admin/exam-packages/${res.body.id}/capacity`, {
      token: operator,
      body: { from: date, to: date, capacity },
    });
    expect(cap.status).toBe(200);
  }
  return res.body.id;
}

async function authorisedPatients(n: number): Promise<Patient[]> {
  const ps = await manyPatients(t, n);
  for (const p of ps) {
    const r = await t.api.put('/api/v1/exams/authorisation', {
      token: p.token,
      body: { patientId: p.patientId, authorised: true },
    });
    expect(r.status).toBe(200);
  }
  return ps;
}

const book = (p: Patient, packageId: string, examDate: string, key: string) =>
  t.api.post('/api/v1/exam-bookings', {
    token: p.token,
    body: { patientId: p.patientId, packageId, examDate, idempotencyKey: key },
  });

async function taken(packageId: string, date: string): Promise<number> {
  const r = await t.app.ctx.database.raw.query<{ taken: number }>(
    'SELECT taken FROM exam_capacity WHERE package_id = $1 AND exam_date = $2',
    [packageId, date],
  );
  return Number(r.rows[0].taken);
}

async function liveBookings(packageId: string, date: string): Promise<number> {
  const r = await t.app.ctx.database.raw.query<{ n: string }>(
    `SELECT count(*) AS n FROM exam_bookings WHERE package_id = $1 AND exam_date = $2
        AND state IN ('locked', 'paid', 'confirmed', 'checked_in')`,
    [packageId, date],
  );
  return Number(r.rows[0].n);
}

describe('exam places under concurrency', () => {
  it.runIf(isPostgres())(
    '40 patients racing for 10 places: exactly 10 bookings and 10 payment orders, 30 told the date is full',
    async () => {
      const pkg = await openPackage({ '2026-11-30': 10 });
      const ps = await authorisedPatients(40);
      const results = await Promise.all(ps.map((p, i) => book(p, pkg, '2026-11-30', `race-${i}-00000`)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(10);
      expect(results.filter((r) => r.status === 409 && r.body.code === 'EXAM_DATE_FULL')).toHaveLength(30);
      expect(await taken(pkg, '2026-11-30')).toBe(10);
      expect(await liveBookings(pkg, '2026-11-30')).toBe(10);
      const orders = await t.app.ctx.database.raw.query<{ n: string }>(
        `SELECT count(*) AS n FROM payment_orders WHERE business_type = 'exam'
            AND business_id IN (SELECT id FROM exam_bookings WHERE package_id = $1)`,
        [pkg],
      );
      expect(Number(orders.rows[0].n)).toBe(10);
    },
    120_000,
  );

  it.runIf(isPostgres())(
    'one patient firing 10 requests for one date (various packages, keys) gets exactly one booking',
    async () => {
      const pkgs = await Promise.all([1, 2, 3].map(() => openPackage({ '2026-12-01': 5 })));
      const [p] = await authorisedPatients(1);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => book(p, pkgs[i % 3], '2026-12-01', `same-${i}-00000`)),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(
        results.filter((r) => r.status === 409 && r.body.code === 'EXAM_BOOKING_EXISTS_ON_DATE'),
      ).toHaveLength(9);
      const held = await Promise.all(pkgs.map((id) => taken(id, '2026-12-01')));
      expect(held.reduce((a, b) => a + b, 0)).toBe(1);

      // a double submit of one request: one booking, one place
      const [q] = await authorisedPatients(1);
      const twice = await Promise.all(
        Array.from({ length: 8 }, () => book(q, pkgs[0], '2026-12-01', 'double-submit-0001')),
      );
      expect(twice.every((r) => r.status === 201)).toBe(true);
      expect(new Set(twice.map((r) => r.body.id)).size).toBe(1);
      expect(await taken(pkgs[0], '2026-12-01')).toBe(held[0] + 1);
    },
    60_000,
  );

  it.runIf(isPostgres())(
    'six paid bookings moving at once to a date with 2 places: exactly 2 move, the others stay where they were',
    async () => {
      const pkg = await openPackage({ '2026-12-02': 6, '2026-12-03': 2 });
      const ps = await authorisedPatients(6);
      const bookings: string[] = [];
      for (const [i, p] of ps.entries()) {
        const res = await book(p, pkg, '2026-12-02', `move-${i}-00000`);
        expect(res.status).toBe(201);
        await payAtSandbox(t, p.token, res.body.paymentOrder.id, res.body.paymentOrder.orderNo);
        bookings.push(res.body.id as string);
      }
      const results = await Promise.all(
        ps.map((p, i) =>
          t.api.post(`/api/v1/exam-bookings/${bookings[i]}/reschedule`, {
            token: p.token,
            body: { examDate: '2026-12-03' },
          }),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(2);
      expect(results.filter((r) => r.status === 409 && r.body.code === 'EXAM_DATE_FULL')).toHaveLength(4);
      expect(await taken(pkg, '2026-12-02')).toBe(4);
      expect(await taken(pkg, '2026-12-03')).toBe(2);
      expect(await liveBookings(pkg, '2026-12-02')).toBe(4);
      expect(await liveBookings(pkg, '2026-12-03')).toBe(2);
    },
    60_000,
  );

  it.runIf(isPostgres())(
    'cancelling one paid booking from five tabs at once refunds it once and frees one place',
    async () => {
      const pkg = await openPackage({ '2026-12-04': 3 });
      const [p] = await authorisedPatients(1);
      const res = await book(p, pkg, '2026-12-04', 'cancel-race-0001');
      await payAtSandbox(t, p.token, res.body.paymentOrder.id, res.body.paymentOrder.orderNo);
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          t.api.post(`/api/v1/exam-bookings/${res.body.id}/cancel`, { token: p.token }),
        ),
      );
      expect(results.every((r) => r.status === 200 && r.body.state === 'cancelled')).toBe(true);
      const refunds = await t.app.ctx.database.raw.query<{ n: string; total: string }>(
        'SELECT count(*) AS n, sum(amount_fen) AS total FROM refunds WHERE order_id = $1',
        [res.body.paymentOrder.id],
      );
      expect(refunds.rows[0]).toEqual({ n: '1', total: '19900' });
      expect(await taken(pkg, '2026-12-04')).toBe(0);
    },
    60_000,
  );
});
