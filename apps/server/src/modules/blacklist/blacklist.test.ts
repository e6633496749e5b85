import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { addPatient, loginPatient } from '../../testing/patients.js';
import { makeResidentId } from '../../testing/id-numbers.js';
import { auditLog } from '../../platform/schema.js';
import { DomainError } from '../../platform/errors.js';
import { assertNotBlacklisted } from './service.js';

let t: TestApp;
let admin: { token: string; id: string };
let doctor: { token: string };

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginStaff(t, 'admin');
  doctor = await loginStaff(t, 'doctor');
});
afterAll(async () => t.close());

const DAY = 86_400_000;

async function newPatient(phone: string) {
  const acc = await loginPatient(t, phone);
  const p = await addPatient(t, acc.token, { phone });
  return { ...acc, patientId: p.id };
}

async function auditRows(action: string, objectId?: string) {
  return t.app.ctx.db
    .select()
    .from(auditLog)
    .where(
      objectId
        ? and(eq(auditLog.action, action), eq(auditLog.objectId, objectId))
        : eq(auditLog.action, action),
    );
}

async function blacklistError(patientId: string): Promise<DomainError | undefined> {
  try {
    await assertNotBlacklisted(t.app.ctx, patientId);
    return undefined;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
}

describe('blacklist rules (ADM-14)', () => {
  it('ships with default rules for no-shows and frequent cancellations', async () => {
    const res = await t.api.get('/api/v1/admin/blacklist-rules', { token: admin.token });
    expect(res.status).toBe(200);
    const kinds = res.body.items.map((r: any) => [
      r.triggerKind,
      r.threshold,
      r.periodDays,
      r.banDays,
      r.enabled,
    ]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['no_shows', 3, 90, 90, true],
        ['cancellations', 5, 30, 30, true],
      ]),
    );
  });

  it('an admin creates, edits, disables and deletes a rule; each change is audited', async () => {
    const created = await t.api.post('/api/v1/admin/blacklist-rules', {
      token: admin.token,
      body: { name: '7天内爽约2次', triggerKind: 'no_shows', threshold: 2, periodDays: 7, banDays: 14 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ threshold: 2, periodDays: 7, banDays: 14, enabled: true });
    const id = created.body.id;

    const edited = await t.api.patch(`/api/v1/admin/blacklist-rules/${id}`, {
      token: admin.token,
      body: { banDays: 30, enabled: false },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: '7天内爽约2次', banDays: 30, enabled: false, threshold: 2 });

    const read = await t.api.get(`/api/v1/admin/blacklist-rules/${id}`, { token: admin.token });
    expect(read.body).toMatchObject({ id, banDays: 30, enabled: false });

    const deleted = await t.api.delete(`/api/v1/admin/blacklist-rules/${id}`, { token: admin.token });
    expect(deleted.status).toBe(204);
    const list = await t.api.get('/api/v1/admin/blacklist-rules', { token: admin.token });
    expect(list.body.items.some((r: any) => r.id === id)).toBe(false);
    expect(
      (await t.api.delete(`/api/v1/admin/blacklist-rules/${id}`, { token: admin.token })).body.code,
    ).toBe('BLACKLIST_RULE_NOT_FOUND');

    for (const action of ['blacklist.rule.create', 'blacklist.rule.update', 'blacklist.rule.delete']) {
      const rows = await auditRows(action, id);
      expect(rows, action).toHaveLength(1);
      expect(rows[0].actorId).toBe(admin.id);
    }

    // the name is free again once the rule is deleted
    const again = await t.api.post('/api/v1/admin/blacklist-rules', {
      token: admin.token,
      body: { name: '7天内爽约2次', triggerKind: 'no_shows', threshold: 2, periodDays: 7, banDays: 14 },
    });
    expect(again.status).toBe(201);
  });

  it('refuses invalid rules, a duplicate name, an empty edit and users without the permission', async () => {
    const bad = [
      { name: '', triggerKind: 'no_shows', threshold: 3, periodDays: 90, banDays: 90 },
      { name: 'x', triggerKind: 'late_arrivals', threshold: 3, periodDays: 90, banDays: 90 },
      { name: 'x', triggerKind: 'no_shows', threshold: 0, periodDays: 90, banDays: 90 },
      { name: 'x', triggerKind: 'no_shows', threshold: 3, periodDays: 0, banDays: 90 },
      { name: 'x', triggerKind: 'no_shows', threshold: 3, periodDays: 90, banDays: 1.5 },
      { name: 'x', triggerKind: 'no_shows', threshold: 3, periodDays: 90, banDays: 90, extra: 1 },
    ];
    for (const body of bad) {
      const res = await t.api.post('/api/v1/admin/blacklist-rules', { token: admin.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const nul = await t.api.post('/api/v1/admin/blacklist-rules', {
      token: admin.token,
      body: { name: 'a\u0000b', triggerKind: 'no_shows', threshold: 3, periodDays: 90, banDays: 90 },
    });
    expect(nul.status).toBe(400);
    expect(nul.body.code).toMatch(/^(INVALID_CHARACTER|VALIDATION_FAILED)$/);
    const dup = await t.api.post('/api/v1/admin/blacklist-rules', {
      token: admin.token,
      body: {
        name: '90天内爽约3次，限制预约90天',
        triggerKind: 'no_shows',
        threshold: 4,
        periodDays: 90,
        banDays: 90,
      },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('BLACKLIST_RULE_NAME_TAKEN');

    const rules = (await t.api.get('/api/v1/admin/blacklist-rules', { token: admin.token })).body.items;
    const empty = await t.api.patch(`/api/v1/admin/blacklist-rules/${rules[0].id}`, {
      token: admin.token,
      body: {},
    });
    expect(empty.status).toBe(400);

    const denied = await t.api.get('/api/v1/admin/blacklist-rules', { token: doctor.token });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('PERMISSION_DENIED');
    expect((await t.api.get('/api/v1/admin/blacklist-rules')).status).toBe(401);
  });
});

describe('manual blacklist entries', () => {
  it('an admin bans a patient with a reason; booking checks refuse them with the end date until lifted', async () => {
    const p = await newPatient('13700000001');
    expect(await blacklistError(p.patientId)).toBeUndefined();

    const noReason = await t.api.post('/api/v1/admin/blacklist', {
      token: admin.token,
      body: { patientId: p.patientId, days: 30 },
    });
    expect(noReason.status).toBe(400);
    const blankReason = await t.api.post('/api/v1/admin/blacklist', {
      token: admin.token,
      body: { patientId: p.patientId, reason: '   ', days: 30 },
    });
    expect(blankReason.status).toBe(400);

    const added = await t.api.post('/api/v1/admin/blacklist', {
      token: admin.token,
      body: { patientId: p.patientId, reason: '恶意占号', days: 30 },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      patientId: p.patientId,
      patientNameMasked: '张*',
      reason: '恶意占号',
      source: 'manual',
      status: 'active',
      createdBy: admin.id,
    });
    // 2026-11-23 09:00 Shanghai + 30 days: the ban ends on 2026-12-23
    expect(added.body.endsAt).toBe(new Date(t.clock.now().getTime() + 30 * DAY).toISOString());

    const err = await blacklistError(p.patientId);
    expect(err?.code).toBe('PATIENT_BLACKLISTED');
    expect(err?.status).toBe(403);
    expect(err?.details).toMatchObject({
      reason: '恶意占号',
      endsOn: '2026-12-23',
      endsAt: added.body.endsAt,
    });
    expect(err?.zh).toContain('2026-12-23');
    expect(err?.en).toContain('2026-12-23');

    // the patient's account is told, with the reason and the end date
    const inbox = await t.api.get('/api/v1/messages', { token: p.token });
    const banMsg = inbox.body.items.find((m: any) => m.template === 'blacklist.banned');
    expect(banMsg.body.zh).toContain('恶意占号');
    expect(banMsg.body.zh).toContain('2026-12-23');

    const twice = await t.api.post('/api/v1/admin/blacklist', {
      token: admin.token,
      body: { patientId: p.patientId, reason: '再次', days: 10 },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('PATIENT_ALREADY_BLACKLISTED');

    const listed = await t.api.get(`/api/v1/admin/blacklist?patientId=${p.patientId}&status=active`, {
      token: admin.token,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(1);
    expect(listed.body.items[0].id).toBe(added.body.id);

    const noLiftReason = await t.api.post(`/api/v1/admin/blacklist/${added.body.id}/lift`, {
      token: admin.token,
      body: {},
    });
    expect(noLiftReason.status).toBe(400);
    const lifted = await t.api.post(`/api/v1/admin/blacklist/${added.body.id}/lift`, {
      token: admin.token,
      body: { reason: '核实为误操作' },
    });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ status: 'lifted', liftedBy: admin.id, liftReason: '核实为误操作' });
    expect(await blacklistError(p.patientId)).toBeUndefined();
    const after = await t.api.get('/api/v1/messages', { token: p.token });
    expect(after.body.items.map((m: any) => m.template)).toContain('blacklist.lifted');

    const again = await t.api.post(`/api/v1/admin/blacklist/${added.body.id}/lift`, {
      token: admin.token,
      body: { reason: '再解除' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('BLACKLIST_ENTRY_NOT_ACTIVE');

    const [addAudit] = await auditRows('blacklist.add', added.body.id);
    expect(addAudit).toMatchObject({ actorId: admin.id, outcome: 'success' });
    expect(addAudit.detail).toMatchObject({ patientId: p.patientId, days: 30, reason: '恶意占号' });
    const liftAudits = await auditRows('blacklist.lift', added.body.id);
    expect(liftAudits.map((a) => a.outcome).sort()).toEqual(['failed', 'success']);
    expect((await auditRows('blacklist.list')).length).toBeGreaterThan(0);

    const liftedList = await t.api.get(`/api/v1/admin/blacklist?patientId=${p.patientId}&status=lifted`, {
      token: admin.token,
    });
    expect(liftedList.body.items.map((e: any) => e.id)).toEqual([added.body.id]);
  });

  it('a ban follows the person: the same ID number bound under another account is refused too', async () => {
    const idNumber = makeResidentId('19880808', '110101', '321');
    const first = await loginPatient(t, '13700000011');
    const banned = await addPatient(t, first.token, { idNumber, phone: '13700000011' });
    const second = await loginPatient(t, '13700000012');
    // one person is "self" of one account only: another account holds them as family
    const samePerson = await addPatient(t, second.token, {
      idNumber,
      phone: '13700000012',
      relation: 'spouse',
    });
    const stranger = await newPatient('13700000013');

    const added = await t.api.post('/api/v1/admin/blacklist', {
      token: admin.token,
      body: { patientId: banned.id, reason: '恶意占号', days: 10 },
    });
    expect(added.status).toBe(201);
    expect((await blacklistError(samePerson.id))?.code).toBe('PATIENT_BLACKLISTED');
    expect(await blacklistError(stranger.patientId)).toBeUndefined();

    await t.api.post(`/api/v1/admin/blacklist/${added.body.id}/lift`, {
      token: admin.token,
      body: { reason: '解除' },
    });
    expect(await blacklistError(samePerson.id)).toBeUndefined();
  });

  it('refuses an unknown patient, bad days, an unknown entry and users without the permission', async () => {
    const unknown = await t.api.post('/api/v1/admin/blacklist', {
      token: admin.token,
      body: { patientId: '00000000-0000-4000-8000-00000000dead', reason: '测试', days: 7 },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('PATIENT_NOT_FOUND');

    const p = await newPatient('13700000002');
    for (const days of [0, -1, 3651, 2.5]) {
      const res = await t.api.post('/api/v1/admin/blacklist', {
        token: admin.token,
        body: { patientId: p.patientId, reason: '测试', days },
      });
      expect(res.status, String(days)).toBe(400);
    }
    const missing = await t.api.post('/api/v1/admin/blacklist/00000000-0000-4000-8000-00000000dead/lift', {
      token: admin.token,
      body: { reason: 'x' },
    });
    expect(missing.status).toBe(404);

    const denied = await t.api.post('/api/v1/admin/blacklist', {
      token: doctor.token,
      body: { patientId: p.patientId, reason: '测试', days: 7 },
    });
    expect(denied.status).toBe(403);
    expect(await blacklistError(p.patientId)).toBeUndefined();
    const list = await t.api.get(`/api/v1/admin/blacklist?patientId=${p.patientId}`, { token: admin.token });
    expect(list.body.total).toBe(0);
  });

  it('a ban stops blocking when it ends by the clock and can no longer be lifted', async () => {
    const p = await newPatient('13700000003');
    const added = await t.api.post('/api/v1/admin/blacklist', {
      token: admin.token,
      body: { patientId: p.patientId, reason: '多次爽约', days: 7 },
    });
    expect(added.status).toBe(201);
    const start = t.clock.now();
    try {
      t.clock.set(new Date(start.getTime() + 7 * DAY - 1000));
      expect((await blacklistError(p.patientId))?.code).toBe('PATIENT_BLACKLISTED');
      t.clock.set(new Date(start.getTime() + 7 * DAY));
      expect(await blacklistError(p.patientId)).toBeUndefined();
      admin = await loginStaff(t, 'admin');

      const listed = await t.api.get(`/api/v1/admin/blacklist?patientId=${p.patientId}`, {
        token: admin.token,
      });
      expect(listed.body.items[0].status).toBe('expired');
      const lift = await t.api.post(`/api/v1/admin/blacklist/${added.body.id}/lift`, {
        token: admin.token,
        body: { reason: '已到期' },
      });
      expect(lift.status).toBe(409);

      // a new manual ban is possible once the old one is over
      const renewed = await t.api.post('/api/v1/admin/blacklist', {
        token: admin.token,
        body: { patientId: p.patientId, reason: '再次爽约', days: 1 },
      });
      expect(renewed.status).toBe(201);
    } finally {
      t.clock.set(start);
    }
  });
});
