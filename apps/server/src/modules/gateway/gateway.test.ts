import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { newPatient, openClinic, slotStates } from '../registration/testing.js';
import { auditLog } from '../../platform/schema.js';
import { integrationCalls, integrationChannels, integrationNonces } from './schema.js';
import { signIntegrationRequest } from './signing.js';
import { PURGE_NONCES_JOB } from './service.js';

// The test clock starts at 2026-11-23 09:00 in Shanghai.
const SLOTS = '/api/integration/v1/slots?from=2026-11-23&to=2026-11-30';

let t: TestApp;
let admin: { token: string; id: string };

interface ChannelUnderTest {
  id: string;
  appId: string;
  secret: string;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginStaff(t, 'admin');
});
afterAll(async () => t.close());

async function createChannel(body: Record<string, unknown> = {}): Promise<ChannelUnderTest> {
  const res = await t.api.post('/api/v1/admin/channels', {
    token: admin.token,
    body: {
      code: `ch-${randomBytes(4).toString('hex')}`,
      name: '健康160预约平台',
      kind: 'booking_platform',
      allowedOperations: ['slots.query', 'slots.lock', 'registrations.confirm', 'registrations.cancel'],
      allowedFrom: '07:00',
      allowedUntil: '22:00',
      ...body,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, appId: res.body.appId, secret: res.body.secret };
}

const nonce = () => randomBytes(12).toString('hex');
const nowSeconds = () => Math.floor(t.clock.now().getTime() / 1000);

/** A signed call as a channel makes it; `sign` lets a test tamper with what is signed. */
async function signedCall(
  c: ChannelUnderTest,
  method: 'GET' | 'POST',
  path: string,
  opts: {
    body?: unknown;
    timestamp?: number;
    nonce?: string;
    secret?: string;
    sign?: Partial<{ method: string; path: string; body: string }>;
  } = {},
) {
  const raw = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const headers = signIntegrationRequest({
    appId: c.appId,
    secret: opts.secret ?? c.secret,
    method: opts.sign?.method ?? method,
    path: opts.sign?.path ?? path,
    body: opts.sign?.body ?? raw,
    timestamp: opts.timestamp ?? nowSeconds(),
    nonce: opts.nonce ?? nonce(),
  });
  const call = method === 'GET' ? t.api.get : t.api.post;
  return call(path, { headers, rawBody: raw === '' ? undefined : raw });
}

async function lastCall(channelId: string | null, appId?: string) {
  const rows = await t.app.ctx.db
    .select()
    .from(integrationCalls)
    .where(channelId ? eq(integrationCalls.channelId, channelId) : eq(integrationCalls.appId, appId!));
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id)).at(-1);
}

async function expectRefused(
  res: { status: number; body: any },
  status: number,
  code: string,
  channelId: string | null,
) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.code).toBe(code);
  expect(res.body.message.zh).toBeTruthy();
  const logged = await t.app.ctx.db
    .select()
    .from(integrationCalls)
    .where(
      and(
        eq(integrationCalls.outcome, code),
        channelId ? eq(integrationCalls.channelId, channelId) : undefined,
      ),
    );
  expect(logged.length, `${code} logged`).toBeGreaterThan(0);
  expect(logged.at(-1)!.status).toBe(status);
}

describe('channel management (ADM-11)', () => {
  it('an admin creates a channel and sees its secret once; it is stored encrypted', async () => {
    const res = await t.api.post('/api/v1/admin/channels', {
      token: admin.token,
      body: {
        code: 'his-counter',
        name: '院内HIS挂号窗口',
        kind: 'his_counter',
        allowedOperations: ['slots.query', 'slots.lock', 'slots.lock'],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      code: 'his-counter',
      kind: 'his_counter',
      allowedOperations: ['slots.query', 'slots.lock'],
      allowedFrom: null,
      allowedUntil: null,
      enabled: true,
    });
    expect(res.body.appId).toMatch(/^qn[0-9a-f]{16}$/);
    expect(res.body.secret.length).toBeGreaterThanOrEqual(40);

    const [row] = await t.app.ctx.db
      .select()
      .from(integrationChannels)
      .where(eq(integrationChannels.id, res.body.id));
    expect(row.secretEnc.startsWith('v1:')).toBe(true);
    expect(row.secretEnc).not.toContain(res.body.secret);

    const read = await t.api.get(`/api/v1/admin/channels/${res.body.id}`, { token: admin.token });
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    const list = await t.api.get('/api/v1/admin/channels', { token: admin.token });
    expect(list.body.items.some((c: any) => c.secret)).toBe(false);
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);

    const [entry] = await t.app.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'channel.create'), eq(auditLog.objectId, res.body.id)));
    expect(entry.actorId).toBe(admin.id);
    expect(JSON.stringify(entry.detail)).not.toContain(res.body.secret);
  });

  it('refuses bad channel input, a duplicate code and users without the permission', async () => {
    const base = { code: 'pharma-1', name: '药企', kind: 'pharmacy', allowedOperations: ['slots.query'] };
    const bad = [
      { ...base, code: 'Has Space' },
      { ...base, kind: 'bank' },
      { ...base, allowedOperations: ['payments.refund'] },
      { ...base, allowedFrom: '7:00', allowedUntil: '22:00' },
      { ...base, allowedFrom: '07:00', allowedUntil: '25:00' },
      { ...base, secret: 'mine' },
    ];
    for (const body of bad) {
      const res = await t.api.post('/api/v1/admin/channels', { token: admin.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const half = await t.api.post('/api/v1/admin/channels', {
      token: admin.token,
      body: { ...base, allowedFrom: '07:00' },
    });
    expect(half.status).toBe(400);
    expect(half.body.code).toBe('ALLOWED_HOURS_INCOMPLETE');

    expect((await t.api.post('/api/v1/admin/channels', { token: admin.token, body: base })).status).toBe(201);
    const dup = await t.api.post('/api/v1/admin/channels', { token: admin.token, body: base });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('CHANNEL_CODE_TAKEN');

    const operator = await loginStaff(t, 'operator');
    const denied = await t.api.get('/api/v1/admin/channels', { token: operator.token });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
  });
});

describe('signed integration calls (ADM-12)', () => {
  it('accepts a correctly signed call and logs it without its body', async () => {
    const c = await createChannel();
    const res = await signedCall(c, 'GET', SLOTS);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const logged = await lastCall(c.id);
    expect(logged).toMatchObject({ outcome: 'ok', status: 200, operation: 'slots.query', method: 'GET' });
    expect(logged!.path).toBe('/api/integration/v1/slots');
  });

  it('refuses a call without the signature headers', async () => {
    const res = await t.api.get(SLOTS);
    await expectRefused(res, 401, 'SIGNATURE_MISSING', null);
  });

  it('refuses an unknown app id', async () => {
    const ghost = { id: 'none', appId: 'qn0000000000000000', secret: 'x'.repeat(43) };
    const res = await signedCall(ghost, 'GET', SLOTS);
    await expectRefused(res, 401, 'APP_UNKNOWN', null);
    expect((await lastCall(null, ghost.appId))?.outcome).toBe('APP_UNKNOWN');
  });

  it('refuses a bad signature: wrong secret, another path, another method or a tampered body', async () => {
    const c = await createChannel();
    await expectRefused(
      await signedCall(c, 'GET', SLOTS, { secret: 'not-the-secret' }),
      401,
      'SIGNATURE_INVALID',
      c.id,
    );
    await expectRefused(
      await signedCall(c, 'GET', SLOTS, {
        sign: { path: '/api/integration/v1/slots?from=2026-11-24&to=2026-11-30' },
      }),
      401,
      'SIGNATURE_INVALID',
      c.id,
    );
    await expectRefused(
      await signedCall(c, 'GET', SLOTS, { sign: { method: 'POST' } }),
      401,
      'SIGNATURE_INVALID',
      c.id,
    );
    const body = { scheduleId: '00000000-0000-4000-8000-000000000001', patient: { ref: 'P1', name: '李四' } };
    await expectRefused(
      await signedCall(c, 'POST', '/api/integration/v1/locks', {
        body,
        sign: { body: JSON.stringify({ ...body, patient: { ref: 'P2', name: '李四' } }) },
      }),
      401,
      'SIGNATURE_INVALID',
      c.id,
    );
  });

  it('accepts a timestamp within five minutes of the clock and refuses a stale or future one', async () => {
    const c = await createChannel();
    expect((await signedCall(c, 'GET', SLOTS, { timestamp: nowSeconds() - 300 })).status).toBe(200);
    expect((await signedCall(c, 'GET', SLOTS, { timestamp: nowSeconds() + 300 })).status).toBe(200);
    await expectRefused(
      await signedCall(c, 'GET', SLOTS, { timestamp: nowSeconds() - 301 }),
      401,
      'TIMESTAMP_STALE',
      c.id,
    );
    await expectRefused(
      await signedCall(c, 'GET', SLOTS, { timestamp: nowSeconds() + 301 }),
      401,
      'TIMESTAMP_STALE',
      c.id,
    );
  });

  it('refuses a replayed nonce; another channel may use the same nonce; it is free again after ten minutes', async () => {
    const c = await createChannel();
    const other = await createChannel();
    const n = nonce();
    const ts = nowSeconds();
    expect((await signedCall(c, 'GET', SLOTS, { nonce: n, timestamp: ts })).status).toBe(200);
    // the identical request again: a replay
    await expectRefused(
      await signedCall(c, 'GET', SLOTS, { nonce: n, timestamp: ts }),
      401,
      'NONCE_REPLAYED',
      c.id,
    );
    expect((await signedCall(other, 'GET', SLOTS, { nonce: n })).status).toBe(200);

    const start = t.clock.now();
    try {
      t.clock.advance(10 * 60_000 + 1000);
      expect((await signedCall(c, 'GET', SLOTS, { nonce: n })).status).toBe(200);

      // the sweep removes nonces older than the window and keeps fresh ones
      t.clock.advance(11 * 60_000);
      const fresh = nonce();
      expect((await signedCall(c, 'GET', SLOTS, { nonce: fresh })).status).toBe(200);
      await t.app.ctx.jobs.runNow(PURGE_NONCES_JOB);
      const left = await t.app.ctx.db
        .select()
        .from(integrationNonces)
        .where(eq(integrationNonces.channelId, c.id));
      expect(left.map((r) => r.nonce)).toEqual([fresh]);
    } finally {
      t.clock.set(start);
    }
  });

  it('of ten identical requests sent at once, exactly one is accepted', async () => {
    const c = await createChannel();
    const n = nonce();
    const ts = nowSeconds();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => signedCall(c, 'GET', SLOTS, { nonce: n, timestamp: ts })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.map((r) => r.body.code)).toEqual(Array(9).fill('NONCE_REPLAYED'));
  });

  it('refuses an operation outside the channel scope', async () => {
    const c = await createChannel({ allowedOperations: ['registrations.confirm'] });
    await expectRefused(await signedCall(c, 'GET', SLOTS), 403, 'OPERATION_NOT_ALLOWED', c.id);
    expect((await lastCall(c.id))?.operation).toBe('slots.query');
  });

  it('refuses calls outside the allowed hours in the hospital zone, including hours across midnight', async () => {
    const day = await createChannel({ allowedFrom: '07:00', allowedUntil: '22:00' });
    const night = await createChannel({ allowedFrom: '22:00', allowedUntil: '06:00' });
    const start = t.clock.now();
    try {
      t.clock.set('2026-11-23T14:00:00Z'); // 22:00 in Shanghai
      await expectRefused(await signedCall(day, 'GET', SLOTS), 403, 'OUTSIDE_ALLOWED_HOURS', day.id);
      expect((await signedCall(night, 'GET', SLOTS)).status).toBe(200);
      t.clock.set('2026-11-22T22:59:00Z'); // 06:59 in Shanghai
      await expectRefused(await signedCall(day, 'GET', SLOTS), 403, 'OUTSIDE_ALLOWED_HOURS', day.id);
      await expectRefused(await signedCall(night, 'GET', SLOTS), 403, 'OUTSIDE_ALLOWED_HOURS', night.id);
      t.clock.set('2026-11-22T23:00:00Z'); // 07:00
      expect((await signedCall(day, 'GET', SLOTS)).status).toBe(200);
    } finally {
      t.clock.set(start);
    }
  });

  it('refuses a disabled or removed channel and a rotated-out secret', async () => {
    const c = await createChannel();
    const off = await t.api.patch(`/api/v1/admin/channels/${c.id}`, {
      token: admin.token,
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    await expectRefused(await signedCall(c, 'GET', SLOTS), 403, 'CHANNEL_DISABLED', c.id);
    await t.api.patch(`/api/v1/admin/channels/${c.id}`, { token: admin.token, body: { enabled: true } });
    expect((await signedCall(c, 'GET', SLOTS)).status).toBe(200);

    const rotated = await t.api.post(`/api/v1/admin/channels/${c.id}/rotate-secret`, { token: admin.token });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(c.secret);
    await expectRefused(await signedCall(c, 'GET', SLOTS), 401, 'SIGNATURE_INVALID', c.id);
    expect((await signedCall({ ...c, secret: rotated.body.secret }, 'GET', SLOTS)).status).toBe(200);

    expect((await t.api.delete(`/api/v1/admin/channels/${c.id}`, { token: admin.token })).status).toBe(204);
    const gone = await signedCall({ ...c, secret: rotated.body.secret }, 'GET', SLOTS);
    expect(gone.status).toBe(401);
    expect(gone.body.code).toBe('APP_UNKNOWN');

    const actions = (await t.app.ctx.db.select().from(auditLog).where(eq(auditLog.objectId, c.id))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['channel.create', 'channel.update', 'channel.rotate-secret', 'channel.delete']),
    );
  });

  it('an admin reads the call log by channel and outcome', async () => {
    const c = await createChannel({ allowedOperations: ['slots.lock'] });
    await signedCall(c, 'GET', SLOTS);
    await signedCall(c, 'GET', SLOTS, { secret: 'wrong' });
    const all = await t.api.get(`/api/v1/admin/integration-calls?channelId=${c.id}`, { token: admin.token });
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    expect(all.body.items.map((i: any) => i.outcome).sort()).toEqual([
      'OPERATION_NOT_ALLOWED',
      'SIGNATURE_INVALID',
    ]);
    const only = await t.api.get(
      `/api/v1/admin/integration-calls?channelId=${c.id}&outcome=SIGNATURE_INVALID`,
      {
        token: admin.token,
      },
    );
    expect(only.body.total).toBe(1);
    expect(only.body.items[0]).toMatchObject({
      status: 401,
      path: '/api/integration/v1/slots',
      method: 'GET',
    });
    expect(Object.keys(only.body.items[0])).not.toContain('body');
  });
});

describe('channels book on the same slot pool as patients', () => {
  it('a booking platform locks the last slot, the patient finds it sold out, the channel confirms and later cancels', async () => {
    const c = await createChannel();
    const other = await createChannel();
    const clinic = await openClinic(t, admin.token, {
      clinicDate: '2026-11-23',
      slotsPerSegment: 1,
      segmentMinutes: 240,
      feeFen: 5000,
    });

    const query = `/api/integration/v1/slots?from=2026-11-23&to=2026-11-23&doctorId=${clinic.doctorId}`;
    const before = await signedCall(c, 'GET', query);
    expect(before.status).toBe(200);
    expect(before.body.schedules).toHaveLength(1);
    expect(before.body.schedules[0]).toMatchObject({
      id: clinic.scheduleId,
      remaining: 1,
      full: false,
      feeFen: 5000,
    });

    const lockBody = {
      scheduleId: clinic.scheduleId,
      idempotencyKey: 'order-20261123-0001',
      patient: { ref: 'P-778', name: '王五' },
    };
    const lock = await signedCall(c, 'POST', '/api/integration/v1/locks', { body: lockBody });
    expect(lock.status, JSON.stringify(lock.body)).toBe(201);
    expect(lock.body).toMatchObject({ state: 'locked', slotNumber: 1, patientRef: 'P-778', feeFen: 5000 });
    expect(lock.body.lockExpiresAt).toBeTruthy();
    const regId = lock.body.registrationId;

    // a repeat of the same booking (new nonce, same key) returns the same registration
    const repeat = await signedCall(c, 'POST', '/api/integration/v1/locks', { body: lockBody });
    expect(repeat.status).toBe(201);
    expect(repeat.body.registrationId).toBe(regId);

    // the patient on the H5 sees the clinic full and cannot take the slot
    const patient = await newPatient(t);
    const online = await t.api.post('/api/v1/registrations', {
      token: patient.token,
      body: { patientId: patient.patientId, scheduleId: clinic.scheduleId, idempotencyKey: 'h5-key-000001' },
    });
    expect(online.status).toBe(409);
    expect(online.body.code).toBe('SLOTS_SOLD_OUT');
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ locked: 1 });

    // another channel can neither confirm nor cancel it
    const foreign = await signedCall(other, 'POST', `/api/integration/v1/registrations/${regId}/confirm`);
    expect(foreign.status, JSON.stringify(foreign.body)).toBe(404);
    expect(foreign.body.code).toBe('REGISTRATION_NOT_FOUND');

    const confirmed = await signedCall(c, 'POST', `/api/integration/v1/registrations/${regId}/confirm`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ registrationId: regId, state: 'booked', lockExpiresAt: null });
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ booked: 1 });
    const [reg] = (
      await t.app.ctx.database.raw.query('SELECT channel, paid_externally FROM registrations WHERE id = $1', [
        regId,
      ])
    ).rows as { channel: string; paid_externally: boolean }[];
    expect(reg).toEqual({ channel: 'third_party', paid_externally: true });

    const noReason = await signedCall(c, 'POST', `/api/integration/v1/registrations/${regId}/cancel`, {
      body: {},
    });
    expect(noReason.status).toBe(400);
    const cancelled = await signedCall(c, 'POST', `/api/integration/v1/registrations/${regId}/cancel`, {
      body: { reason: '患者在平台取消' },
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ available: 1 });

    // the slot is back in the pool for everyone
    const again = await t.api.post('/api/v1/registrations', {
      token: patient.token,
      body: { patientId: patient.patientId, scheduleId: clinic.scheduleId, idempotencyKey: 'h5-key-000002' },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(201);

    const outcomes = (
      await t.app.ctx.db.select().from(integrationCalls).where(eq(integrationCalls.channelId, c.id))
    )
      .map((x) => `${x.operation}:${x.outcome}`)
      .sort();
    expect(outcomes).toEqual(
      [
        'registrations.cancel:VALIDATION_FAILED',
        'registrations.cancel:ok',
        'registrations.confirm:ok',
        'slots.lock:ok',
        'slots.lock:ok',
        'slots.query:ok',
      ].sort(),
    );
  });

  it('a counter channel books as the counter; a channel may not confirm with a body it did not sign', async () => {
    const counter = await createChannel({ kind: 'his_counter', allowedFrom: null, allowedUntil: null });
    const clinic = await openClinic(t, admin.token, {
      clinicDate: '2026-11-24',
      feeFen: 0,
      level: 'general',
    });
    const lock = await signedCall(counter, 'POST', '/api/integration/v1/locks', {
      body: {
        scheduleId: clinic.scheduleId,
        idempotencyKey: 'counter-0001',
        patient: { ref: 'card-1', name: '赵六' },
      },
    });
    expect(lock.status, JSON.stringify(lock.body)).toBe(201);
    // a free clinic is booked at once
    expect(lock.body.state).toBe('booked');
    const [reg] = (
      await t.app.ctx.database.raw.query('SELECT channel FROM registrations WHERE id = $1', [
        lock.body.registrationId,
      ])
    ).rows as { channel: string }[];
    expect(reg.channel).toBe('counter');

    // a correctly signed body is still validated: NUL characters and bad keys are refused as bad input
    for (const body of [
      {
        scheduleId: clinic.scheduleId,
        idempotencyKey: 'counter-0002',
        patient: { ref: 'card-2', name: 'ab\u0000cd' },
      },
      { scheduleId: clinic.scheduleId, idempotencyKey: 'short', patient: { ref: 'card-2', name: '赵六' } },
    ]) {
      const bad = await signedCall(counter, 'POST', '/api/integration/v1/locks', { body });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toMatch(/^(INVALID_CHARACTER|VALIDATION_FAILED)$/);
    }

    const malformed = await t.api.post(
      `/api/integration/v1/registrations/${lock.body.registrationId}/cancel`,
      {
        rawBody: '{"reason":',
        headers: signIntegrationRequest({
          appId: counter.appId,
          secret: counter.secret,
          method: 'POST',
          path: `/api/integration/v1/registrations/${lock.body.registrationId}/cancel`,
          body: '{"reason":',
          timestamp: nowSeconds(),
          nonce: nonce(),
        }),
      },
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('MALFORMED_JSON');

    // prototype poisoning is refused like any malformed body
    const poisonedPath = `/api/integration/v1/registrations/${lock.body.registrationId}/cancel`;
    const poisoned = '{"reason":"x","__proto__":{"admin":true}}';
    const refused = await t.api.post(poisonedPath, {
      rawBody: poisoned,
      headers: signIntegrationRequest({
        appId: counter.appId,
        secret: counter.secret,
        method: 'POST',
        path: poisonedPath,
        body: poisoned,
        timestamp: nowSeconds(),
        nonce: nonce(),
      }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('MALFORMED_JSON');
  });

  it('a blacklisted person is refused through a channel as well, with the end date', async () => {
    const c = await createChannel();
    const clinic = await openClinic(t, admin.token, { clinicDate: '2026-11-25' });
    const idNumber = makeResidentId('19920202', '110101', '555');
    const acc = await loginPatient(t, '13911112222');
    const p = await addPatient(t, acc.token, { idNumber, phone: '13911112222' });
    const ban = await t.api.post('/api/v1/admin/blacklist', {
      token: admin.token,
      body: { patientId: p.id, reason: '恶意爽约', days: 30 },
    });
    expect(ban.status).toBe(201);

    const lock = await signedCall(c, 'POST', '/api/integration/v1/locks', {
      body: {
        scheduleId: clinic.scheduleId,
        idempotencyKey: 'bl-000001',
        patient: { ref: 'X1', name: '张三', idNumber: idNumber.toLowerCase() },
      },
    });
    expect(lock.status).toBe(403);
    expect(lock.body.code).toBe('PATIENT_BLACKLISTED');
    expect(lock.body.details.endsOn).toBe('2026-12-23');
    expect(await slotStates(t, clinic.scheduleId)).toEqual({ available: 12 });
  });
});
