import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { addPatient, linkAtCounter, loginPatient } from '../../testing/patients.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { SandboxExamSystem } from '../../integrations/exam-system/index.js';
import type { AdapterOverrides } from '../../integrations/index.js';
import { openChannel, type SignedCall } from '../../testing/channels.js';
import { startSession } from '../../platform/auth.js';
import { getPatientById } from '../identity/index.js';
import { refunds } from '../payments/index.js';
import { RETRY_REFUNDS_JOB as PAYMENTS_RETRY_REFUNDS_JOB, getPaymentOrder } from '../payments/index.js';
import { messagesOf, newPatient, payAtSandbox, sandboxOf } from '../registration/testing.js';
import { examBookings } from './schema.js';
import { EXPIRE_LOCK_JOB, MAX_SYNC_ATTEMPTS, RELEASE_EXPIRED_LOCKS_JOB, SYNC_JOB } from './service.js';

// The test clock starts at 2026-11-23 09:00 in Shanghai: dates from 11-24 to 12-23 can be booked, and
// a booking can be moved or cancelled online up to the day before its exam.
const START = '2026-11-23T01:00:00Z';
let t: TestApp;
let examSystem: SandboxExamSystem;
let operator: { token: string; id: string };
/** A signed push as the exam system (or its LIS) makes it. */
let signedPush: SignedCall;
type Patient = { token: string; accountId: string; patientId: string };

beforeAll(async () => {
  examSystem = new SandboxExamSystem();
  t = await createTestApp({ adapters: { examSystem } as AdapterOverrides });
  operator = await loginStaff(t, 'operator');
  signedPush = await openChannel(t, ['exam.bookings.push', 'lis.reports.push'], {
    kind: 'other',
    name: '体检系统',
  });
});
afterAll(async () => t.close());
beforeEach(() => {
  t.clock.set(START);
  examSystem.faults.unavailable = 0;
  examSystem.faults.refuse = false;
});

const statusPush = (bookingNo: string, body: Record<string, unknown>) =>
  signedPush(`/api/integration/v1/exam/bookings/${bookingNo}/status`, body);

let packageSeq = 0;
/** A package of its own (through the console API), open on the given dates. */
async function newPackage(opts: { dates?: Record<string, number>; body?: Record<string, unknown> } = {}) {
  const res = await t.api.post('/api/v1/admin/exam-packages', {
    token: operator.token,
    body: {
      code: `PKG-${Date.now() % 100000}-${packageSeq++}`,
      name: '入职体检套餐',
      description: '适合入职前的基础健康检查',
      priceFen: 29900,
      notes: '体检前一天清淡饮食，当日空腹',
      items: [
        { name: '血常规', category: '实验室检查', meaning: '了解有无贫血、感染' },
        { name: '肝功能', category: '实验室检查', meaning: '评估肝脏功能' },
        { name: '胸部正位片', category: '影像检查', meaning: '排查肺部病变', notes: '孕妇不宜' },
      ],
      ...opts.body,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  for (const [date, capacity] of Object.entries(opts.dates ?? {}))
    await setCapacity(res.body.id, { from: date, to: date, capacity });
  return res.body.id as string;
}

async function setCapacity(packageId: string, body: Record<string, unknown>) {
  const res = await t.api.put(`/api/v1/admin/exam-packages/${packageId}/capacity`, {
    token: operator.token,
    body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function capacityOf(packageId: string, date: string) {
  const r = await t.app.ctx.database.raw.query<{ capacity: number; taken: number; closed: boolean }>(
    'SELECT capacity, taken, closed FROM exam_capacity WHERE package_id = $1 AND exam_date = $2',
    [packageId, date],
  );
  return r.rows[0];
}

async function authorise(p: Patient, patientId = p.patientId) {
  const res = await t.api.put('/api/v1/exams/authorisation', {
    token: p.token,
    body: { patientId, authorised: true },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function authorisedPatient(): Promise<Patient> {
  const p = await newPatient(t);
  await authorise(p);
  return p;
}

const book = (
  p: Patient,
  packageId: string,
  examDate: string,
  key = `bk-${randomBytes(6).toString('hex')}`,
) =>
  t.api.post('/api/v1/exam-bookings', {
    token: p.token,
    body: { patientId: p.patientId, packageId, examDate, idempotencyKey: key },
  });

async function bookAndPay(p: Patient, packageId: string, examDate: string) {
  const res = await book(p, packageId, examDate);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await payAtSandbox(t, p.token, res.body.paymentOrder.id, res.body.paymentOrder.orderNo);
  return res.body as { id: string; bookingNo: string; paymentOrder: { id: string; orderNo: string } };
}

/** A new session for the account (the access token of the first one expires as the test clock moves). */
async function relogin(p: Patient): Promise<Patient> {
  const { accessToken } = await startSession(t.app.ctx, 'patient', p.accountId);
  return { ...p, token: accessToken };
}

async function bookingRow(id: string) {
  const [row] = await t.app.ctx.db.select().from(examBookings).where(eq(examBookings.id, id));
  return row;
}

describe('packages (EXAM-03) and their management in the console', () => {
  it('the demo hospital offers its seeded packages, each with items and preparation notes', async () => {
    const all = await t.api.get('/api/v1/exam-packages');
    const byCode = new Map(all.body.items.map((p: { code: string }) => [p.code, p]));
    expect(byCode.get('BASIC')).toMatchObject({ name: '基础体检套餐', gender: 'any', itemCount: 11 });
    expect(byCode.get('FEMALE')).toMatchObject({ gender: 'female', minAge: 18, maxAge: 65 });
    const forMen = await t.api.get('/api/v1/exam-packages?gender=male&age=45');
    const codes = forMen.body.items.map((p: { code: string }) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['BASIC', 'MALE-40']));
    expect(codes).not.toContain('FEMALE');
    expect(codes).not.toContain('SENIOR');
  });

  it('lists active packages with their items to anyone, filtered by who they suit', async () => {
    const general = await newPackage();
    const women = await newPackage({
      body: { name: '女性体检套餐', gender: 'female', minAge: 18, maxAge: 60, priceFen: 59900 },
    });
    const hidden = await newPackage({ body: { state: 'inactive' } });

    const all = await t.api.get('/api/v1/exam-packages');
    expect(all.status).toBe(200);
    const ids = all.body.items.map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining([general, women]));
    expect(ids).not.toContain(hidden);
    const detail = await t.api.get(`/api/v1/exam-packages/${general}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      name: '入职体检套餐',
      priceFen: 29900,
      gender: 'any',
      itemCount: 3,
      categories: ['实验室检查', '影像检查'],
      notes: '体检前一天清淡饮食，当日空腹',
    });
    expect(detail.body.items[2]).toEqual({
      name: '胸部正位片',
      category: '影像检查',
      meaning: '排查肺部病变',
      notes: '孕妇不宜',
    });

    const forMen = await t.api.get('/api/v1/exam-packages?gender=male&age=40');
    const menIds = forMen.body.items.map((p: { id: string }) => p.id);
    expect(menIds).toContain(general);
    expect(menIds).not.toContain(women);
    const tooOld = await t.api.get('/api/v1/exam-packages?gender=female&age=70');
    expect(tooOld.body.items.map((p: { id: string }) => p.id)).not.toContain(women);

    expect((await t.api.get(`/api/v1/exam-packages/${hidden}`)).status).toBe(404);
    const bad = await t.api.get('/api/v1/exam-packages?age=abc');
    expect(bad.status).toBe(400);
  });

  it('operators create and change packages (audited); others are refused; codes are unique', async () => {
    const id = await newPackage();
    const code = (await t.api.get(`/api/v1/admin/exam-packages/${id}`, { token: operator.token })).body.code;
    const dup = await t.api.post('/api/v1/admin/exam-packages', {
      token: operator.token,
      body: { code, name: '重复', priceFen: 100, items: [{ name: '血压', category: '一般检查' }] },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('EXAM_PACKAGE_CODE_EXISTS');

    const noItems = await t.api.post('/api/v1/admin/exam-packages', {
      token: operator.token,
      body: { code: 'EMPTY-1', name: '空套餐', priceFen: 100, items: [] },
    });
    expect(noItems.status).toBe(400);
    const badAges = await t.api.post('/api/v1/admin/exam-packages', {
      token: operator.token,
      body: {
        code: 'AGES-1',
        name: '年龄',
        priceFen: 100,
        minAge: 60,
        maxAge: 18,
        items: [{ name: '血压', category: '一般检查' }],
      },
    });
    expect(badAges.status).toBe(400);
    expect(badAges.body.code).toBe('EXAM_AGE_RANGE_INVALID');

    const changed = await t.api.put(`/api/v1/admin/exam-packages/${id}`, {
      token: operator.token,
      body: {
        name: '入职体检套餐（升级）',
        priceFen: 39900,
        items: [{ name: '心电图', category: '功能检查' }],
      },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ name: '入职体检套餐（升级）', priceFen: 39900, itemCount: 1 });

    const audits = await t.app.ctx.database.raw.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE object_id = $1 ORDER BY at, id`,
      [id],
    );
    expect(audits.rows.map((r) => r.action)).toEqual(['exam.package.create', 'exam.package.update']);

    const doctor = await loginStaff(t, 'doctor');
    const refused = await t.api.post('/api/v1/admin/exam-packages', {
      token: doctor.token,
      body: { code: 'DOC-1', name: '医生', priceFen: 100, items: [{ name: '血压', category: '一般检查' }] },
    });
    expect(refused.status).toBe(403);
    const p = await newPatient(t);
    expect((await t.api.get('/api/v1/admin/exam-packages', { token: p.token })).status).toBe(403);
  });

  it('daily capacity is set per date range and weekday, closed and reopened; never below what is taken', async () => {
    const id = await newPackage();
    // 2026-11-30 is a Monday: weekdays only
    await setCapacity(id, { from: '2026-11-30', to: '2026-12-06', weekdays: [1, 2, 3, 4, 5], capacity: 2 });
    const cap = await t.api.get(`/api/v1/admin/exam-packages/${id}/capacity?from=2026-11-30&to=2026-12-06`, {
      token: operator.token,
    });
    expect(cap.body.items.map((d: { date: string }) => d.date)).toEqual([
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
    ]);

    const p = await authorisedPatient();
    expect((await book(p, id, '2026-12-01')).status).toBe(201);
    const q = await authorisedPatient();
    expect((await book(q, id, '2026-12-01')).status).toBe(201);

    // below the two places taken on 12-01: nothing changes on any date of the range
    const below = await t.api.put(`/api/v1/admin/exam-packages/${id}/capacity`, {
      token: operator.token,
      body: { from: '2026-11-30', to: '2026-12-02', capacity: 1 },
    });
    expect(below.status).toBe(409);
    expect(below.body).toMatchObject({
      code: 'EXAM_CAPACITY_BELOW_TAKEN',
      details: { dates: ['2026-12-01'] },
    });
    expect(await capacityOf(id, '2026-11-30')).toEqual({ capacity: 2, taken: 0, closed: false });
    expect(await capacityOf(id, '2026-12-01')).toEqual({ capacity: 2, taken: 2, closed: false });

    await setCapacity(id, { from: '2026-12-02', to: '2026-12-02', closed: true });
    const dates = await t.api.get(`/api/v1/exam-packages/${id}/dates`);
    expect(dates.body.items).toEqual(
      expect.arrayContaining([
        { date: '2026-11-30', capacity: 2, remaining: 2, closed: false, bookable: true },
        { date: '2026-12-01', capacity: 2, remaining: 0, closed: false, bookable: false },
        { date: '2026-12-02', capacity: 2, remaining: 0, closed: true, bookable: false },
      ]),
    );
    await setCapacity(id, { from: '2026-12-02', to: '2026-12-02', closed: false });
    expect(await capacityOf(id, '2026-12-02')).toEqual({ capacity: 2, taken: 0, closed: false });

    const empty = await t.api.put(`/api/v1/admin/exam-packages/${id}/capacity`, {
      token: operator.token,
      body: { from: '2026-12-02', to: '2026-12-02' },
    });
    expect(empty.status).toBe(400);
    const backwards = await t.api.put(`/api/v1/admin/exam-packages/${id}/capacity`, {
      token: operator.token,
      body: { from: '2026-12-03', to: '2026-12-02', capacity: 3 },
    });
    expect(backwards.status).toBe(400);
    const audit = await t.app.ctx.database.raw.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_log WHERE object_id = $1 AND action = 'exam.capacity.set'`,
      [id],
    );
    expect(Number(audit.rows[0].n)).toBe(3);
  });
});

describe('authorisation and the exam system’s records (EXAM-01, EXAM-02)', () => {
  it('nothing is booked or read from the exam system before the patient authorises the exchange', async () => {
    const id = await newPackage({ dates: { '2026-11-26': 5 } });
    const p = await newPatient(t);
    const before = await t.api.get(`/api/v1/exams/authorisation?patientId=${p.patientId}`, {
      token: p.token,
    });
    expect(before.body).toMatchObject({ authorised: false, grantedAt: null });

    const refused = await book(p, id, '2026-11-26');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('EXAM_AUTHORISATION_REQUIRED');
    expect((await capacityOf(id, '2026-11-26')).taken).toBe(0);
    const records = await t.api.get(`/api/v1/exams/records?patientId=${p.patientId}`, { token: p.token });
    expect(records.status).toBe(403);

    await authorise(p);
    const granted = await t.api.get(`/api/v1/exams/authorisation?patientId=${p.patientId}`, {
      token: p.token,
    });
    expect(granted.body).toMatchObject({ authorised: true, consentVersion: '2026-11' });
    const audit = await t.app.ctx.database.raw.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE object_id = $1 AND action LIKE 'exam.authorisation.%'`,
      [p.patientId],
    );
    expect(audit.rows).toEqual([{ action: 'exam.authorisation.grant' }]);

    // what the exam system holds once a booking was paid: read through the adapter
    const b = await bookAndPay(p, id, '2026-11-26');
    const held = await t.api.get(`/api/v1/exams/records?patientId=${p.patientId}`, { token: p.token });
    expect(held.status).toBe(200);
    expect(held.body.items).toEqual([
      expect.objectContaining({ examDate: '2026-11-26', packageName: '入职体检套餐', status: 'booked' }),
    ]);
    expect(held.body.items[0].examNo).toBe((await bookingRow(b.id)).examOrderNo);

    examSystem.faults.unavailable = 1;
    const down = await t.api.get(`/api/v1/exams/records?patientId=${p.patientId}`, { token: p.token });
    expect(down.status).toBe(502);
    expect(down.body.code).toBe('EXAM_SYSTEM_UNAVAILABLE');

    const revoke = await t.api.put('/api/v1/exams/authorisation', {
      token: p.token,
      body: { patientId: p.patientId, authorised: false },
    });
    expect(revoke.body.authorised).toBe(false);
    expect(
      (await t.api.get(`/api/v1/exams/records?patientId=${p.patientId}`, { token: p.token })).status,
    ).toBe(403);

    // another account cannot authorise or read for this patient
    const stranger = await newPatient(t);
    const foreign = await t.api.put('/api/v1/exams/authorisation', {
      token: stranger.token,
      body: { patientId: p.patientId, authorised: true },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('PATIENT_NOT_FOUND');
  });
});

describe('booking and paying (EXAM-04, EXAM-05)', () => {
  it('a booking holds one place until paid; paying confirms it with the exam system', async () => {
    const id = await newPackage({ dates: { '2026-11-27': 3 } });
    const p = await authorisedPatient();
    const key = `bk-${randomBytes(6).toString('hex')}`;
    const res = await book(p, id, '2026-11-27', key);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      state: 'locked',
      examDate: '2026-11-27',
      priceFen: 29900,
      package: { id, name: '入职体检套餐' },
      paymentOrder: { amountFen: 29900, state: 'created', expiresAt: '2026-11-23T01:15:00.000Z' },
      report: null,
    });
    expect((await capacityOf(id, '2026-11-27')).taken).toBe(1);

    // double submit: the same booking, still one place and one payment order
    const again = await book(p, id, '2026-11-27', key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(res.body.id);
    expect(again.body.paymentOrder.id).toBe(res.body.paymentOrder.id);
    expect((await capacityOf(id, '2026-11-27')).taken).toBe(1);
    const reused = await book(p, await newPackage({ dates: { '2026-11-27': 3 } }), '2026-11-27', key);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    await payAtSandbox(t, p.token, res.body.paymentOrder.id, res.body.paymentOrder.orderNo);
    const paid = await t.api.get(`/api/v1/exam-bookings/${res.body.id}`, { token: p.token });
    expect(paid.body).toMatchObject({
      state: 'confirmed',
      examSystemPending: false,
      paymentOrder: { state: 'paid' },
    });
    expect(paid.body.examOrderNo).toMatch(/^TJ/);
    expect(examSystem.bookings.get(res.body.bookingNo)?.snapshot).toMatchObject({
      status: 'booked',
      examDate: '2026-11-27',
      amountFen: 29900,
      person: { name: '张三' },
    });
    expect(await messagesOf(t, p.accountId, 'exam.booking-paid')).toBe(1);
    expect((await capacityOf(id, '2026-11-27')).taken).toBe(1);

    const list = await t.api.get(`/api/v1/exam-bookings?patientId=${p.patientId}`, { token: p.token });
    expect(list.body.items.map((b: { id: string }) => b.id)).toEqual([res.body.id]);
  });

  it('refuses what the rules do not allow, taking no place', async () => {
    const id = await newPackage({ dates: { '2026-11-28': 1, '2026-11-29': 5 } });
    const other = await newPackage({ dates: { '2026-11-29': 5 } });
    const women = await newPackage({ dates: { '2026-11-29': 5 }, body: { gender: 'female' } });
    const older = await newPackage({ dates: { '2026-11-29': 5 }, body: { minAge: 50 } });
    await setCapacity(id, { from: '2026-11-30', to: '2026-11-30', capacity: 5, closed: true });
    const p = await authorisedPatient();
    const q = await authorisedPatient();

    expect((await book(p, id, '2026-11-28')).status).toBe(201);
    const full = await book(q, id, '2026-11-28');
    expect(full.status).toBe(409);
    expect(full.body.code).toBe('EXAM_DATE_FULL');
    const closed = await book(q, id, '2026-11-30');
    expect(closed.body.code).toBe('EXAM_DATE_CLOSED');
    const notOpen = await book(q, id, '2026-12-01');
    expect(notOpen.body.code).toBe('EXAM_DATE_NOT_OPEN');
    const today = await book(q, id, '2026-11-23');
    expect(today.status).toBe(409);
    expect(today.body).toMatchObject({
      code: 'EXAM_DATE_OUT_OF_RANGE',
      details: { earliest: '2026-11-24', latest: '2026-12-23' },
    });
    expect((await book(q, id, '2026-12-24')).body.code).toBe('EXAM_DATE_OUT_OF_RANGE');
    const gender = await book(q, women, '2026-11-29');
    expect(gender.body).toMatchObject({ code: 'EXAM_PACKAGE_NOT_SUITABLE', details: { reason: 'gender' } });
    const age = await book(q, older, '2026-11-29');
    expect(age.body).toMatchObject({
      code: 'EXAM_PACKAGE_NOT_SUITABLE',
      details: { reason: 'age', age: 46 },
    });

    // one active booking per patient and date, whatever the package
    expect((await book(q, id, '2026-11-29')).status).toBe(201);
    const second = await book(q, other, '2026-11-29');
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('EXAM_BOOKING_EXISTS_ON_DATE');

    const badDate = await book(q, id, '2026-02-30');
    expect(badDate.status).toBe(400);
    const badKey = await t.api.post('/api/v1/exam-bookings', {
      token: q.token,
      body: { patientId: q.patientId, packageId: id, examDate: '2026-11-29', idempotencyKey: 'x' },
    });
    expect(badKey.status).toBe(400);

    expect(await capacityOf(id, '2026-11-28')).toMatchObject({ taken: 1 });
    expect(await capacityOf(id, '2026-11-29')).toMatchObject({ taken: 1 });
    expect(await capacityOf(other, '2026-11-29')).toMatchObject({ taken: 0 });
    expect(await capacityOf(women, '2026-11-29')).toMatchObject({ taken: 0 });
    const rows = await t.app.ctx.database.raw.query<{ n: string }>(
      'SELECT count(*) AS n FROM exam_bookings WHERE patient_id = $1',
      [q.patientId],
    );
    expect(Number(rows.rows[0].n)).toBe(1);
  });

  it('REG-09: a patient whose real-name identity is not confirmed cannot book, taking no place; the counter lifts it', async () => {
    const id = await newPackage({ dates: { '2026-11-28': 2 } });
    const p = await authorisedPatient();
    // the losing side of a doubly-claimed identity (migration 1000, a counter appeal): unverified
    await t.app.ctx.database.raw.query(
      'UPDATE patients SET verified_at = NULL, verified_by = NULL WHERE id = $1',
      [p.patientId],
    );
    const refused = await book(p, id, '2026-11-28');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'PATIENT_NOT_VERIFIED',
      message: {
        zh: '就诊人未完成实名认证，不能预约体检。请携身份证件到医院窗口核验身份',
        en: 'The patient must be real-name verified to book; bring the ID document to a hospital counter',
      },
    });
    expect(await capacityOf(id, '2026-11-28')).toMatchObject({ taken: 0 });
    const rows = await t.app.ctx.database.raw.query<{ n: string }>(
      'SELECT count(*) AS n FROM exam_bookings WHERE patient_id = $1',
      [p.patientId],
    );
    expect(Number(rows.rows[0].n)).toBe(0);

    await linkAtCounter(t, p.patientId, 'resident_id_card');
    expect((await book(p, id, '2026-11-28')).status).toBe(201);
    expect(await capacityOf(id, '2026-11-28')).toMatchObject({ taken: 1 });
  });

  it('an unpaid booking expires at its deadline and gives its place back; a late sweep changes nothing', async () => {
    const id = await newPackage({ dates: { '2026-11-26': 1 } });
    const p = await authorisedPatient();
    const res = await book(p, id, '2026-11-26');
    expect(res.status).toBe(201);

    t.clock.set('2026-11-23T01:14:00Z');
    await t.app.ctx.jobs.runNow(EXPIRE_LOCK_JOB, { bookingId: res.body.id });
    await t.app.ctx.jobs.runNow(RELEASE_EXPIRED_LOCKS_JOB);
    expect((await bookingRow(res.body.id)).state).toBe('locked');
    expect((await capacityOf(id, '2026-11-26')).taken).toBe(1);

    t.clock.set('2026-11-23T01:15:01Z');
    await t.app.ctx.jobs.runNow(RELEASE_EXPIRED_LOCKS_JOB);
    await t.app.ctx.jobs.runNow(EXPIRE_LOCK_JOB, { bookingId: res.body.id });
    const row = await bookingRow(res.body.id);
    expect(row.state).toBe('expired');
    expect((await capacityOf(id, '2026-11-26')).taken).toBe(0);
    expect((await getPaymentOrder(t.app.ctx, res.body.paymentOrder.id))?.state).toBe('closed');
    const pay = await t.api.post(`/api/v1/payments/orders/${res.body.paymentOrder.id}/pay`, {
      token: (await relogin(p)).token,
      body: { channel: 'sandbox' },
    });
    expect(pay.status).toBe(409);

    // the place is free for someone else
    const q = await authorisedPatient();
    expect((await book(q, id, '2026-11-26')).status).toBe(201);
  });

  it('while the exam system is down a paid booking waits and is confirmed by the sweep; a cancellation reaches it later too', async () => {
    const id = await newPackage({ dates: { '2026-11-27': 3 } });
    const p = await authorisedPatient();
    examSystem.faults.unavailable = 1;
    const b = await bookAndPay(p, id, '2026-11-27');
    const waiting = await t.api.get(`/api/v1/exam-bookings/${b.id}`, { token: p.token });
    expect(waiting.body).toMatchObject({ state: 'paid', examSystemPending: true, examOrderNo: null });
    expect((await bookingRow(b.id)).syncAttempts).toBe(1);

    await t.app.ctx.jobs.runNow(SYNC_JOB, {});
    const done = await t.api.get(`/api/v1/exam-bookings/${b.id}`, { token: p.token });
    expect(done.body).toMatchObject({ state: 'confirmed', examSystemPending: false });
    const calls = examSystem.calls;
    await t.app.ctx.jobs.runNow(SYNC_JOB, {});
    expect(examSystem.calls).toBe(calls);

    // a cancellation made while the exam system is down reaches it with the next sweep
    examSystem.faults.unavailable = 1;
    const cancelled = await t.api.post(`/api/v1/exam-bookings/${b.id}/cancel`, { token: p.token });
    expect(cancelled.body).toMatchObject({
      state: 'cancelled',
      refundState: 'succeeded',
      examSystemPending: true,
    });
    expect(examSystem.bookings.get(b.bookingNo)?.snapshot.status).toBe('booked');
    await t.app.ctx.jobs.runNow(SYNC_JOB, {});
    expect(examSystem.bookings.get(b.bookingNo)?.snapshot).toMatchObject({ status: 'cancelled', version: 2 });
    expect((await bookingRow(b.id)).syncedVersion).toBe(2);
  });

  it('a paid booking the exam system refuses for good is cancelled and refunded in full', async () => {
    const id = await newPackage({ dates: { '2026-11-27': 3 } });
    const p = await authorisedPatient();
    examSystem.faults.refuse = true;
    const b = await bookAndPay(p, id, '2026-11-27');
    const row = await bookingRow(b.id);
    expect(row).toMatchObject({
      state: 'cancelled',
      cancelledBy: 'system:exam-system',
      refundState: 'succeeded',
    });
    expect((await getPaymentOrder(t.app.ctx, b.paymentOrder.id))?.state).toBe('refunded');
    expect((await capacityOf(id, '2026-11-27')).taken).toBe(0);
    expect(MAX_SYNC_ATTEMPTS).toBeGreaterThan(1);
  });
});

describe('rescheduling (EXAM-06) and cancelling', () => {
  it('moves a paid booking to a date with room: the old place is freed, the new one taken, the exam system told', async () => {
    const id = await newPackage({ dates: { '2026-11-26': 2, '2026-12-03': 2 } });
    const p = await authorisedPatient();
    const b = await bookAndPay(p, id, '2026-11-26');
    const moved = await t.api.post(`/api/v1/exam-bookings/${b.id}/reschedule`, {
      token: p.token,
      body: { examDate: '2026-12-03' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ examDate: '2026-12-03', state: 'confirmed', rescheduleCount: 1 });
    expect(await capacityOf(id, '2026-11-26')).toMatchObject({ taken: 0 });
    expect(await capacityOf(id, '2026-12-03')).toMatchObject({ taken: 1 });
    expect(examSystem.bookings.get(b.bookingNo)?.snapshot).toMatchObject({
      examDate: '2026-12-03',
      version: 2,
    });
    expect(await messagesOf(t, p.accountId, 'exam.booking-rescheduled')).toBe(1);
    const same = await t.api.post(`/api/v1/exam-bookings/${b.id}/reschedule`, {
      token: p.token,
      body: { examDate: '2026-12-03' },
    });
    expect(same.status).toBe(400);
  });

  it('refuses a full, closed or unopened date and a booking too close to its exam day, changing nothing', async () => {
    const id = await newPackage({ dates: { '2026-11-25': 2, '2026-11-28': 1, '2026-11-29': 3 } });
    await setCapacity(id, { from: '2026-11-29', to: '2026-11-29', closed: true });
    let p = await authorisedPatient();
    const q = await authorisedPatient();
    await bookAndPay(q, id, '2026-11-28');
    const b = await bookAndPay(p, id, '2026-11-25');

    const cases = [
      ['2026-11-28', 'EXAM_DATE_FULL'],
      ['2026-11-29', 'EXAM_DATE_CLOSED'],
      ['2026-11-30', 'EXAM_DATE_NOT_OPEN'],
      ['2027-01-30', 'EXAM_DATE_OUT_OF_RANGE'],
    ];
    for (const [examDate, code] of cases) {
      const r = await t.api.post(`/api/v1/exam-bookings/${b.id}/reschedule`, {
        token: p.token,
        body: { examDate },
      });
      expect(r.status, examDate).toBe(409);
      expect(r.body.code, examDate).toBe(code);
    }
    // on the day before the exam (the last change day) it may still move; on the exam day no more
    t.clock.set('2026-11-24T15:59:00Z'); // 23:59 on 11-24, the last day to change a 11-25 exam
    p = await relogin(p);
    const ok = await t.api.post(`/api/v1/exam-bookings/${b.id}/reschedule`, {
      token: p.token,
      body: { examDate: '2026-11-25' },
    });
    expect(ok.status).toBe(400); // same date; shows the window is still open
    t.clock.set('2026-11-24T16:00:00Z'); // 00:00 on 11-25
    const late = await t.api.post(`/api/v1/exam-bookings/${b.id}/reschedule`, {
      token: p.token,
      body: { examDate: '2026-11-27' },
    });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({
      code: 'EXAM_CHANGE_WINDOW_CLOSED',
      details: { lastChangeDate: '2026-11-24' },
    });
    const lateCancel = await t.api.post(`/api/v1/exam-bookings/${b.id}/cancel`, { token: p.token, body: {} });
    expect(lateCancel.body.code).toBe('EXAM_CHANGE_WINDOW_CLOSED');

    expect(await bookingRow(b.id)).toMatchObject({
      examDate: '2026-11-25',
      state: 'confirmed',
      rescheduleCount: 0,
    });
    expect(await capacityOf(id, '2026-11-25')).toMatchObject({ taken: 1 });
    expect(await capacityOf(id, '2026-11-28')).toMatchObject({ taken: 1 });
    expect(await capacityOf(id, '2026-11-29')).toMatchObject({ taken: 0 });
  });

  it('cancelling a paid booking refunds it once and gives the place back', async () => {
    const id = await newPackage({ dates: { '2026-11-27': 1 } });
    const p = await authorisedPatient();
    const b = await bookAndPay(p, id, '2026-11-27');
    const res = await t.api.post(`/api/v1/exam-bookings/${b.id}/cancel`, {
      token: p.token,
      body: { reason: '时间冲突' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      state: 'cancelled',
      cancelReason: '时间冲突',
      refundState: 'succeeded',
      paymentOrder: { state: 'refunded', refundedFen: 29900 },
    });
    expect((await capacityOf(id, '2026-11-27')).taken).toBe(0);
    expect(examSystem.bookings.get(b.bookingNo)?.snapshot.status).toBe('cancelled');

    const again = await t.api.post(`/api/v1/exam-bookings/${b.id}/cancel`, { token: p.token });
    expect(again.status).toBe(200);
    expect(again.body.state).toBe('cancelled');
    const rs = await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, b.paymentOrder.id));
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ amountFen: 29900, state: 'succeeded' });
    expect((await capacityOf(id, '2026-11-27')).taken).toBe(0);
    expect(await messagesOf(t, p.accountId, 'exam.booking-cancelled')).toBe(1);

    const move = await t.api.post(`/api/v1/exam-bookings/${b.id}/reschedule`, {
      token: p.token,
      body: { examDate: '2026-11-28' },
    });
    expect(move.status).toBe(409);
    expect(move.body.code).toBe('EXAM_BOOKING_NOT_CHANGEABLE');

    // the place can be booked again
    const q = await authorisedPatient();
    expect((await book(q, id, '2026-11-27')).status).toBe(201);
  });

  it('a refund the channel cannot take at once is retried until it succeeds; the booking shows its progress', async () => {
    const id = await newPackage({ dates: { '2026-11-27': 1 } });
    let p = await authorisedPatient();
    const b = await bookAndPay(p, id, '2026-11-27');
    sandboxOf(t).faults.refundUnavailable = 1;
    const res = await t.api.post(`/api/v1/exam-bookings/${b.id}/cancel`, { token: p.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'cancelled',
      refundState: 'processing',
      paymentOrder: { state: 'refunding' },
    });
    expect((await capacityOf(id, '2026-11-27')).taken).toBe(0);

    t.clock.set('2026-11-23T01:02:00Z');
    await t.app.ctx.jobs.runNow(PAYMENTS_RETRY_REFUNDS_JOB);
    p = await relogin(p);
    const done = await t.api.get(`/api/v1/exam-bookings/${b.id}`, { token: p.token });
    expect(done.body).toMatchObject({
      refundState: 'succeeded',
      paymentOrder: { state: 'refunded', refundedFen: 29900 },
    });
    const rs = await t.app.ctx.db.select().from(refunds).where(eq(refunds.orderId, b.paymentOrder.id));
    expect(rs).toHaveLength(1);
  });

  it('cancelling an unpaid booking closes its payment order and frees the place', async () => {
    const id = await newPackage({ dates: { '2026-11-27': 1 } });
    const p = await authorisedPatient();
    const res = await book(p, id, '2026-11-27');
    const cancelled = await t.api.post(`/api/v1/exam-bookings/${res.body.id}/cancel`, { token: p.token });
    expect(cancelled.body).toMatchObject({
      state: 'cancelled',
      refundState: 'none',
      paymentOrder: { state: 'closed' },
    });
    expect((await capacityOf(id, '2026-11-27')).taken).toBe(0);
  });
});

describe('privacy: bookings and their reports belong to the account and authorised family', () => {
  it("another account's booking answers like a missing one on every route", async () => {
    const id = await newPackage({ dates: { '2026-11-27': 2 } });
    const owner = await authorisedPatient();
    const stranger = await authorisedPatient();
    const b = await bookAndPay(owner, id, '2026-11-27');
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const bookingId of [b.id, missing]) {
      const read = await t.api.get(`/api/v1/exam-bookings/${bookingId}`, { token: stranger.token });
      expect(read.status).toBe(404);
      expect(read.body.code).toBe('EXAM_BOOKING_NOT_FOUND');
      const cancel = await t.api.post(`/api/v1/exam-bookings/${bookingId}/cancel`, { token: stranger.token });
      expect(cancel.status).toBe(404);
      const move = await t.api.post(`/api/v1/exam-bookings/${bookingId}/reschedule`, {
        token: stranger.token,
        body: { examDate: '2026-11-28' },
      });
      expect(move.status).toBe(404);
      expect(
        (await t.api.get(`/api/v1/exam-bookings/${bookingId}/report`, { token: stranger.token })).status,
      ).toBe(404);
    }
    const foreign = await book({ ...stranger, patientId: owner.patientId }, id, '2026-11-28');
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('PATIENT_NOT_FOUND');
    expect((await bookingRow(b.id)).state).toBe('confirmed');
    const list = await t.api.get('/api/v1/exam-bookings', { token: stranger.token });
    expect(list.body.items).toEqual([]);
  });

  it('a family member can be booked once they have consented; before that they are not found', async () => {
    const id = await newPackage({ dates: { '2026-11-27': 2 } });
    const login = await loginPatient(t, `137${String(Date.now()).slice(-8)}`);
    const self = await addPatient(t, login.token);
    const spouse = await addPatient(t, login.token, {
      name: '李四',
      relation: 'spouse',
      idNumber: makeResidentId('19880808', '110105', '321'),
    });
    const acc: Patient = { token: login.token, accountId: login.accountId, patientId: self.id };
    await authorise(acc);
    const hidden = await t.api.put('/api/v1/exams/authorisation', {
      token: login.token,
      body: { patientId: spouse.id, authorised: true },
    });
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('PATIENT_NOT_FOUND');
    const refused = await book({ ...acc, patientId: spouse.id }, id, '2026-11-27');
    expect(refused.status).toBe(404);
    expect((await capacityOf(id, '2026-11-27')).taken).toBe(0);

    // the spouse confirms with the code sent to their own phone: now they can be booked
    const sent = await t.api.post(`/api/v1/patients/${spouse.id}/consent/request`, { token: login.token });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const confirmed = await t.api.post(`/api/v1/patients/${spouse.id}/consent/confirm`, {
      token: login.token,
      body: { code: sent.body.sandboxCode },
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    await authorise(acc, spouse.id);
    const booked = await book({ ...acc, patientId: spouse.id }, id, '2026-11-27');
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body).toMatchObject({ patientId: spouse.id, patientName: '李四' });
    expect((await capacityOf(id, '2026-11-27')).taken).toBe(1);
  });
});

describe('completion pushed by the exam system and the report (RPT-08, EXAM-07)', () => {
  it('check-in and completion arrive signed; the booking links to its exam report once the report is in', async () => {
    const id = await newPackage({ dates: { '2026-11-26': 2 } });
    let p = await authorisedPatient();
    const b = await bookAndPay(p, id, '2026-11-26');
    t.clock.set('2026-11-26T00:30:00Z');
    p = await relogin(p);

    const unsigned = await t.api.post(`/api/integration/v1/exam/bookings/${b.bookingNo}/status`, {
      body: { status: 'checked_in', at: '2026-11-26T08:05:00+08:00' },
    });
    expect(unsigned.status).toBe(401);
    const checkedIn = await statusPush(b.bookingNo, {
      status: 'checked_in',
      at: '2026-11-26T08:05:00+08:00',
    });
    expect(checkedIn.status, JSON.stringify(checkedIn.body)).toBe(200);
    expect(checkedIn.body).toEqual({ bookingNo: b.bookingNo, state: 'checked_in', reportNo: null });
    // repeated push: same answer, nothing moves
    expect(
      (await statusPush(b.bookingNo, { status: 'checked_in', at: '2026-11-26T08:05:00+08:00' })).body.state,
    ).toBe('checked_in');
    const cancel = await t.api.post(`/api/v1/exam-bookings/${b.id}/cancel`, { token: p.token });
    expect(cancel.status).toBe(409);

    const notReady = await t.api.get(`/api/v1/exam-bookings/${b.id}/report`, { token: p.token });
    expect(notReady.status).toBe(404);
    expect(notReady.body.code).toBe('EXAM_REPORT_NOT_READY');

    const reportNo = `TJR${randomBytes(4).toString('hex')}`;
    const completed = await statusPush(b.bookingNo, {
      status: 'completed',
      at: '2026-11-26T11:30:00+08:00',
      reportNo,
    });
    expect(completed.body).toEqual({ bookingNo: b.bookingNo, state: 'completed', reportNo });
    const mismatch = await statusPush(b.bookingNo, {
      status: 'completed',
      at: '2026-11-26T11:30:00+08:00',
      reportNo: 'OTHER-1',
    });
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.code).toBe('EXAM_REPORT_NO_MISMATCH');

    // completed, but the report itself has not arrived yet
    const waiting = await t.api.get(`/api/v1/exam-bookings/${b.id}`, { token: p.token });
    expect(waiting.body).toMatchObject({ state: 'completed', reportNo, report: null });

    const holder = await getPatientById(t.app.ctx, p.patientId);
    const pushed = await signedPush('/api/integration/v1/his/lis/reports', {
      reportNo,
      kind: 'physical',
      patient: { name: '张三', idNumber: holder.idNumber },
      title: '入职体检报告',
      status: 'final',
      conclusion: '总检：血脂偏高，建议低脂饮食，三个月后复查。',
      reportedAt: '2026-11-28T10:00:00+08:00',
      sections: [
        { name: '内科', conclusion: '未见异常' },
        { name: '检验科', conclusion: '总胆固醇偏高' },
      ],
      observations: [
        {
          code: 'TC',
          name: '总胆固醇',
          value: 6.4,
          unit: 'mmol/L',
          refLow: 2.8,
          refHigh: 5.2,
          section: '检验科',
        },
        { code: 'BP-S', name: '收缩压', value: 118, unit: 'mmHg', refLow: 90, refHigh: 139, section: '内科' },
      ],
    });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);

    const linked = await t.api.get(`/api/v1/exam-bookings/${b.id}`, { token: p.token });
    expect(linked.body.report).toMatchObject({
      id: pushed.body.reportId,
      reportNo,
      title: '入职体检报告',
      status: 'final',
    });
    const report = await t.api.get(`/api/v1/exam-bookings/${b.id}/report`, { token: p.token });
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body).toMatchObject({
      reportNo,
      conclusion: '总检：血脂偏高，建议低脂饮食，三个月后复查。',
      sections: [
        { name: '内科', conclusion: '未见异常' },
        { name: '检验科', conclusion: '总胆固醇偏高' },
      ],
    });
    expect(report.body.observations.find((o: { code: string }) => o.code === 'TC')).toMatchObject({
      section: '检验科',
      flag: 'H',
    });
    // the same report is also the patient's through the reports module
    const same = await t.api.get(`/api/v1/reports/${pushed.body.reportId}`, { token: p.token });
    expect(same.status).toBe(200);

    const stranger = await authorisedPatient();
    expect((await t.api.get(`/api/v1/exam-bookings/${b.id}/report`, { token: stranger.token })).status).toBe(
      404,
    );
  });

  it("a report number that belongs to someone else's report is never shown from the booking", async () => {
    const id = await newPackage({ dates: { '2026-11-26': 2 } });
    const p = await authorisedPatient();
    const other = await authorisedPatient();
    const b = await bookAndPay(p, id, '2026-11-26');
    const reportNo = `TJR${randomBytes(4).toString('hex')}`;
    const holder = await getPatientById(t.app.ctx, other.patientId);
    await signedPush('/api/integration/v1/his/lis/reports', {
      reportNo,
      kind: 'physical',
      patient: { name: '张三', idNumber: holder.idNumber },
      title: '体检报告',
      status: 'final',
      observations: [],
    });
    await statusPush(b.bookingNo, { status: 'completed', at: '2026-11-26T11:30:00+08:00', reportNo });
    const detail = await t.api.get(`/api/v1/exam-bookings/${b.id}`, { token: p.token });
    expect(detail.body).toMatchObject({ state: 'completed', report: null });
    expect((await t.api.get(`/api/v1/exam-bookings/${b.id}/report`, { token: p.token })).body.code).toBe(
      'EXAM_REPORT_NOT_READY',
    );
  });

  it('pushes for unknown, unpaid or cancelled bookings are refused', async () => {
    const unknown = await statusPush('TJ000000', { status: 'checked_in', at: '2026-11-26T08:05:00+08:00' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('EXAM_BOOKING_NOT_FOUND');
    const id = await newPackage({ dates: { '2026-11-26': 2 } });
    const p = await authorisedPatient();
    const locked = await book(p, id, '2026-11-26');
    const early = await statusPush(locked.body.bookingNo, {
      status: 'checked_in',
      at: '2026-11-26T08:05:00+08:00',
    });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('EXAM_BOOKING_NOT_ACTIVE');
    await t.api.post(`/api/v1/exam-bookings/${locked.body.id}/cancel`, { token: p.token });
    const late = await statusPush(locked.body.bookingNo, {
      status: 'completed',
      at: '2026-11-26T11:05:00+08:00',
    });
    expect(late.body).toMatchObject({ code: 'EXAM_BOOKING_NOT_ACTIVE', details: { state: 'cancelled' } });
    const bad = await statusPush(locked.body.bookingNo, { status: 'lost', at: 'yesterday' });
    expect(bad.status).toBe(400);
  });

  it('the exam centre desk lists bookings of a date with masked names and cancels one for the patient; both audited', async () => {
    const id = await newPackage({ dates: { '2026-12-05': 2 } });
    const p = await authorisedPatient();
    const b = await bookAndPay(p, id, '2026-12-05');
    const res = await t.api.get(`/api/v1/admin/exam-bookings?date=2026-12-05&packageId=${id}`, {
      token: operator.token,
    });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({ id: b.id, patientNameMasked: '张*', state: 'confirmed' });
    expect(res.body.items[0].patientName).toBeUndefined();
    const audit = await t.app.ctx.database.raw.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'exam.booking.list'`,
    );
    expect(Number(audit.rows[0].n)).toBeGreaterThan(0);

    // the desk cancels it for the patient (the day was closed): refunded, place back, audited
    const cancelled = await t.api.post(`/api/v1/admin/exam-bookings/${b.id}/cancel`, {
      token: operator.token,
      body: { reason: '体检中心当日停诊' },
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({
      state: 'cancelled',
      refundState: 'succeeded',
      patientNameMasked: '张*',
    });
    expect((await capacityOf(id, '2026-12-05')).taken).toBe(0);
    expect(await bookingRow(b.id)).toMatchObject({
      cancelledBy: `staff:${operator.id}`,
      cancelReason: '体检中心当日停诊',
    });
    const trail = await t.app.ctx.database.raw.query<{ actor_id: string }>(
      `SELECT actor_id FROM audit_log WHERE action = 'exam.booking.cancel' AND object_id = $1`,
      [b.id],
    );
    expect(trail.rows).toEqual([{ actor_id: operator.id }]);
    const again = await t.api.post(`/api/v1/admin/exam-bookings/${b.id}/cancel`, {
      token: operator.token,
      body: { reason: '重复' },
    });
    expect(again.body.state).toBe('cancelled');
    const missing = await t.api.post(
      '/api/v1/admin/exam-bookings/00000000-0000-4000-8000-000000000000/cancel',
      {
        token: operator.token,
        body: { reason: '不存在' },
      },
    );
    expect(missing.status).toBe(404);
    const patientTry = await t.api.post(`/api/v1/admin/exam-bookings/${b.id}/cancel`, {
      token: p.token,
      body: { reason: 'x' },
    });
    expect(patientTry.status).toBe(403);
  });
});
