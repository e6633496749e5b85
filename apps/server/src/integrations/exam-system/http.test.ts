import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { integrationSignature, signatureMatches } from '../../modules/gateway/index.js';
import { newPatient, payAtSandbox } from '../../modules/registration/testing.js';
import { EXAM_SYSTEM_PATHS, PLATFORM_APP_ID } from './http.js';

/**
 * The exam system over HTTP, against a local server that checks the platform's signature the way an
 * exam system implementing docs/api.md would, and answers as told (accept, be down, refuse).
 */
const SECRET = 'exam-system-test-secret-0123456789';
let t: TestApp;
let server: Server;
let mode: 'ok' | 'down' | 'refuse' = 'ok';
const received: { path: string; body: Record<string, unknown>; signed: boolean }[] = [];

function verified(headers: IncomingHttpHeaders, path: string, raw: string): boolean {
  const expected = integrationSignature({
    secret: SECRET,
    method: 'POST',
    path,
    body: raw,
    timestamp: String(headers['x-qn-timestamp']),
    nonce: String(headers['x-qn-nonce']),
  });
  return (
    headers['x-qn-app-id'] === PLATFORM_APP_ID &&
    signatureMatches(expected, String(headers['x-qn-signature']))
  );
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const signed = verified(req.headers, req.url ?? '', raw);
      const body = JSON.parse(raw || '{}');
      received.push({ path: req.url ?? '', body, signed });
      res.setHeader('content-type', 'application/json');
      if (!signed) return void res.writeHead(401).end(JSON.stringify({ code: 'BAD_SIGNATURE' }));
      if (mode === 'down') return void res.writeHead(503).end('{}');
      if (mode === 'refuse')
        return void res
          .writeHead(422)
          .end(JSON.stringify({ code: 'PACKAGE_UNKNOWN', message: '套餐不存在' }));
      if (req.url === EXAM_SYSTEM_PATHS.bookings)
        return void res.end(JSON.stringify({ examOrderNo: `EX-${body.bookingNo}` }));
      res.end(
        JSON.stringify({
          items: [
            {
              examNo: 'EX-2025-1',
              examDate: '2025-11-20',
              packageName: '年度体检',
              status: 'completed',
              reportNo: 'R1',
            },
          ],
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  t = await createTestApp({
    config: {
      EXAM_SYSTEM_PROVIDER: 'http',
      EXAM_SYSTEM_URL: `http://127.0.0.1:${port}`,
      EXAM_SYSTEM_SECRET: SECRET,
      EXAM_SYSTEM_TIMEOUT_MS: '2000',
    },
  });
});
afterAll(async () => {
  await t?.close();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  mode = 'ok';
  received.length = 0;
});

async function bookedAndPaid(examDate: string) {
  const operator = await loginStaff(t, 'operator');
  const pkg = await t.api.post('/api/v1/admin/exam-packages', {
    token: operator.token,
    body: {
      code: `HTTP-${Date.now() % 1_000_000}`,
      name: '基础体检套餐',
      priceFen: 19900,
      items: [{ name: '血常规', category: '实验室检查' }],
    },
  });
  await t.api.put(`/api/v1/admin/exam-packages/${pkg.body.id}/capacity`, {
    token: operator.token,
    body: { from: examDate, to: examDate, capacity: 5 },
  });
  const p = await newPatient(t);
  await t.api.put('/api/v1/exams/authorisation', {
    token: p.token,
    body: { patientId: p.patientId, authorised: true },
  });
  const res = await t.api.post('/api/v1/exam-bookings', {
    token: p.token,
    body: { patientId: p.patientId, packageId: pkg.body.id, examDate, idempotencyKey: `http-${Date.now()}` },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await payAtSandbox(t, p.token, res.body.paymentOrder.id, res.body.paymentOrder.orderNo);
  const booking = await t.api.get(`/api/v1/exam-bookings/${res.body.id}`, { token: p.token });
  return { p, booking: booking.body };
}

describe('the exam system over HTTP', () => {
  it('a paid booking is posted signed with the person and package, and confirmed with the exam order number', async () => {
    const { p, booking } = await bookedAndPaid('2026-11-27');
    expect(booking).toMatchObject({ state: 'confirmed', examOrderNo: `EX-${booking.bookingNo}` });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      path: EXAM_SYSTEM_PATHS.bookings,
      signed: true,
      body: {
        bookingNo: booking.bookingNo,
        version: 1,
        status: 'booked',
        examDate: '2026-11-27',
        amountFen: 19900,
      },
    });
    expect(received[0].body.person).toMatchObject({
      name: '张三',
      birthDate: '1980-01-01',
      idType: 'resident_id',
    });

    const records = await t.api.get(`/api/v1/exams/records?patientId=${p.patientId}`, { token: p.token });
    expect(records.status).toBe(200);
    expect(records.body.items).toEqual([
      {
        examNo: 'EX-2025-1',
        examDate: '2025-11-20',
        packageName: '年度体检',
        status: 'completed',
        reportNo: 'R1',
        summary: null,
      },
    ]);
    expect(received[1]).toMatchObject({
      path: EXAM_SYSTEM_PATHS.records,
      signed: true,
      body: { name: '张三' },
    });
  });

  it('a 5xx leaves the booking paid for the retry; a refusal (4xx) cancels and refunds it', async () => {
    mode = 'down';
    const waiting = await bookedAndPaid('2026-11-28');
    expect(waiting.booking).toMatchObject({ state: 'paid', examSystemPending: true });
    mode = 'refuse';
    const refused = await bookedAndPaid('2026-11-29');
    expect(refused.booking).toMatchObject({ state: 'cancelled', refundState: 'succeeded' });
    const down = await t.api.get(`/api/v1/exams/records?patientId=${refused.p.patientId}`, {
      token: refused.p.token,
    });
    expect(down.status).toBe(502);
  });
});
