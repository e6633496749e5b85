import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { baseUrl } from './browser.js';
import { makeResidentId } from '../../../apps/server/src/testing/id-numbers.js';
import { signIntegrationRequest } from '../../../apps/server/src/modules/gateway/index.js';

/** Calls the running server's API, failing the test with the problem body on an error answer. */
export async function api<T = any>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<T> {
  const res = await fetch(baseUrl() + path, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  return body as T;
}

let phoneSeq = 0;
export const uniquePhone = () => `135${String(Date.now() + phoneSeq++).slice(-8)}`;

/** A patient account logged in through the SMS code the sandbox sender reports. */
export async function patientSession(phone = uniquePhone()) {
  const sent = await api('POST', '/api/v1/auth/sms-codes', { body: { phone } });
  const login = await api('POST', '/api/v1/auth/sms-login', { body: { phone, code: sent.sandboxCode } });
  return { phone, token: login.accessToken as string };
}

/**
 * A fresh resident ID number for a test person: one identity is the "self" of one account only, so
 * browser tests sharing a server never draw the same number (region and sequence vary).
 */
export function freshResidentId(birth: string): string {
  const region = `1101${String(10 + Math.floor(Math.random() * 90))}`;
  return makeResidentId(birth, region, String(100 + Math.floor(Math.random() * 900)));
}

let sandboxStaffToken: string | undefined;

/** Adds a person the test invents to the sandbox real-name provider's population (as admin). */
export async function enrolSandboxPerson(person: { name: string; idNumber: string }) {
  sandboxStaffToken ??= (
    await api('POST', '/api/v1/staff/auth/login', { body: { username: 'admin', password: 'Admin@2026' } })
  ).accessToken as string;
  await api('POST', '/api/v1/sandbox/identity/people', { token: sandboxStaffToken, body: person });
}

export async function addSelf(token: string, name = '王小明') {
  const idNumber = freshResidentId('19850312');
  await enrolSandboxPerson({ name, idNumber });
  return api('POST', '/api/v1/patients', {
    token,
    body: { name, idType: 'resident_id', idNumber, phone: uniquePhone(), relation: 'self' },
  });
}

/** Finds a released, open, paid clinic with a free slot in the demo schedule (through the console API). */
export async function findBookableSchedule(): Promise<{ schedule: any; segment: any }> {
  const staff = await api('POST', '/api/v1/staff/auth/login', {
    body: { username: 'admin', password: 'Admin@2026' },
  });
  const day = (n: number) => new Date(Date.now() + 8 * 3600_000 + n * 86400_000).toISOString().slice(0, 10);
  const res = await api<any>('GET', `/api/v1/admin/schedules?from=${day(1)}&to=${day(6)}`, {
    token: staff.accessToken,
  });
  for (const s of res.items) {
    if (s.state !== 'open' || !s.released || s.feeFen <= 0) continue;
    const segment = s.segments.find((g: any) => g.state === 'open' && g.remaining > 0);
    if (segment) return { schedule: s, segment };
  }
  throw new Error('no bookable clinic in the demo schedule');
}

/** Books and pays (sandbox) a slot; waits for the asynchronous notification to confirm it. */
export async function bookAndPay(token: string, patientId: string, schedule: any, segment: any) {
  const reg = await api('POST', '/api/v1/registrations', {
    token,
    body: {
      patientId,
      scheduleId: schedule.id,
      segmentId: segment.id,
      idempotencyKey: `e2e-${Date.now()}-${patientId}`,
    },
  });
  const orderNo = reg.payment.orderNo;
  await api('POST', `/api/v1/payments/orders/${reg.payment.orderId}/pay`, {
    token,
    body: { channel: 'sandbox' },
  });
  await api('POST', `/api/v1/payments/sandbox/${orderNo}/complete`, { token, body: { outcome: 'success' } });
  await expect
    .poll(async () => (await api('GET', `/api/v1/registrations/${reg.id}`, { token })).state, {
      timeout: 30_000,
      interval: 500,
    })
    .toBe('booked');
  return reg;
}

// ---- issue 4: signed pushes from the hospital's systems, patient sessions in the browser ----------

/** Logs in the console's administrator. */
export async function staffToken(): Promise<string> {
  const staff = await api('POST', '/api/v1/staff/auth/login', {
    body: { username: 'admin', password: 'Admin@2026' },
  });
  return staff.accessToken as string;
}

/**
 * Opens an integration channel through the console API and returns a caller that signs each
 * request as the HIS (or LIS) does (modules/gateway/signing.ts).
 */
export async function integrationChannel(operations: string[], kind = 'his_counter') {
  const token = await staffToken();
  const code = `e2e-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const ch = await api('POST', '/api/v1/admin/channels', {
    token,
    body: { code, name: '院内 HIS（端到端测试）', kind, allowedOperations: operations },
  });
  const push = async <T = any>(path: string, body: unknown): Promise<T> => {
    const raw = JSON.stringify(body);
    const headers = signIntegrationRequest({
      appId: ch.appId,
      secret: ch.secret,
      method: 'POST',
      path,
      body: raw,
      timestamp: Math.floor(Date.now() / 1000),
      nonce: randomBytes(12).toString('hex'),
    });
    const res = await fetch(baseUrl() + path, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: raw,
    });
    const text = await res.text();
    expect(res.status, `POST ${path}: ${text}`).toBeLessThan(300);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return { code, appId: ch.appId as string, push };
}

export type IntegrationChannel = Awaited<ReturnType<typeof integrationChannel>>;

/** One line of an outpatient bill; its amount is quantity × unit price unless given. */
export type HisBillItem = {
  code: string;
  name: string;
  unit?: string;
  quantity: number;
  unitPriceFen: number;
  amountFen?: number;
};

const BILL_PLACES = {
  prescription: { title: '西药处方', execDepartment: '西药房', execLocation: '门诊楼1F 2号窗口' },
  lab: { title: '检验申请单', execDepartment: '检验科', execLocation: '门诊楼3F' },
} as const;

/** An outpatient bill as the HIS pushes it: a prescription is dispensed at the western pharmacy, a lab order done at the lab. */
export const hisBill = (kind: keyof typeof BILL_PLACES, billNo: string, items: HisBillItem[]) => ({
  billNo,
  kind,
  ...BILL_PLACES[kind],
  items: items.map((i) => ({ ...i, amountFen: i.amountFen ?? i.quantity * i.unitPriceFen })),
});

/**
 * The HIS reports today's outpatient visit of the patient and then, if any, the visit's bills
 * (two signed pushes, as the hospital's system sends them).
 */
export async function pushVisit(
  his: IntegrationChannel,
  patient: { name: string; idNumber: string },
  visitNo: string,
  opts: { departmentName?: string; doctorName?: string; bills?: ReturnType<typeof hisBill>[] } = {},
) {
  await his.push('/api/integration/v1/his/visits', {
    visitNo,
    visitDate: hospitalDay(),
    departmentName: opts.departmentName ?? '内科',
    ...(opts.doctorName ? { doctorName: opts.doctorName } : {}),
    patient: { name: patient.name, idNumber: patient.idNumber },
  });
  if (opts.bills?.length) await his.push('/api/integration/v1/his/bills', { visitNo, bills: opts.bills });
}

/** A patient account (both tokens, for the browser's storage) with one verified family member "self". */
export async function patientWithSelf(name = '赵建国') {
  const phone = uniquePhone();
  const sent = await api('POST', '/api/v1/auth/sms-codes', { body: { phone } });
  const login = await api('POST', '/api/v1/auth/sms-login', { body: { phone, code: sent.sandboxCode } });
  const idNumber = freshResidentId('19760418');
  await enrolSandboxPerson({ name, idNumber });
  const patient = await api('POST', '/api/v1/patients', {
    token: login.accessToken,
    body: { name, idType: 'resident_id', idNumber, phone: uniquePhone(), relation: 'self' },
  });
  return {
    phone,
    name,
    idNumber,
    patientId: patient.id as string,
    token: login.accessToken as string,
    tokens: { accessToken: login.accessToken as string, refreshToken: login.refreshToken as string },
  };
}

/** The hospital's calendar day (Asia/Shanghai), n days from today. */
export const hospitalDay = (n = 0) =>
  new Date(Date.now() + 8 * 3600_000 + n * 86400_000).toISOString().slice(0, 10);
