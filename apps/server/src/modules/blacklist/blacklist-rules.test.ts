import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { startSession } from '../../platform/auth.js';
import { NO_SHOW_JOB } from '../registration/index.js';
import { messagesOf, newPatient, openClinic } from '../registration/testing.js';
import { blacklistEntries } from './schema.js';
import { evaluateBlacklistRules } from './service.js';

// The clock starts on Monday 2026-11-23 at 09:00 in Shanghai; afternoon clinics end at 17:30.
const START = '2026-11-23T01:00:00Z';
const DAY = 86_400_000;

let t: TestApp;
let seq = 0;
const key = () => `bl-rules-${++seq}-${Date.now()}`;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());
beforeEach(() => t.clock.set(START));

/** The admin's token, fresh for wherever the clock stands now. */
const adminToken = async () => (await loginStaff(t, 'admin')).token;

/** Books as the patient with a token valid at the current clock (the clock jumps days in these stories). */
async function book(p: { accountId: string; patientId: string }, scheduleId: string) {
  const { accessToken } = await startSession(t.app.ctx, 'patient', p.accountId);
  return t.api.post('/api/v1/registrations', {
    token: accessToken,
    body: { patientId: p.patientId, scheduleId, idempotencyKey: key() },
  });
}

async function bansOf(patientId: string) {
  return t.app.ctx.db.select().from(blacklistEntries).where(eq(blacklistEntries.patientId, patientId));
}

async function rulesByKind(token: string): Promise<Record<string, any>> {
  const res = await t.api.get('/api/v1/admin/blacklist-rules', { token });
  return Object.fromEntries(res.body.items.map((r: any) => [r.triggerKind, r]));
}

describe('automatic bans (REG-20, ADM-14)', () => {
  it('a third no-show within 90 days bans the patient for 90 days; they are told and refused with the end date', async () => {
    const admin = await adminToken();
    // free clinics on three days, so each booking is confirmed at once
    const days = ['2026-11-23', '2026-11-24', '2026-11-25'];
    const clinics = [];
    for (const d of days) clinics.push(await openClinic(t, admin, { clinicDate: d, feeFen: 0 }));
    const next = await openClinic(t, admin, { clinicDate: '2026-11-27', feeFen: 0 });
    const p = await newPatient(t);
    for (const c of clinics) {
      const res = await book(p, c.scheduleId);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.state).toBe('booked');
    }

    // the patient misses the first two: warned, not banned
    t.clock.set('2026-11-23T10:00:00Z'); // 18:00 on the 23rd
    await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
    t.clock.set('2026-11-24T10:00:00Z');
    await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
    expect(await messagesOf(t, p.accountId, 'registration.no-show')).toBe(2);
    expect(await bansOf(p.patientId)).toHaveLength(0);

    // the third no-show fires the rule
    t.clock.set('2026-11-25T10:00:00Z');
    await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
    const bans = await bansOf(p.patientId);
    expect(bans).toHaveLength(1);
    const ban = bans[0];
    expect(ban.source).toBe('rule');
    expect(ban.reason).toContain('爽约3次');
    expect(ban.startsAt.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    expect(ban.endsAt.getTime() - ban.startsAt.getTime()).toBe(90 * DAY);
    expect(await messagesOf(t, p.accountId, 'blacklist.banned')).toBe(1);

    // booking is refused with the reason and the last day of the ban
    t.clock.set('2026-11-26T01:00:00Z');
    const refused = await book(p, next.scheduleId);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('PATIENT_BLACKLISTED');
    expect(refused.body.details.endsOn).toBe('2027-02-23');
    expect(refused.body.message.zh).toContain('2027-02-23');
    expect(refused.body.message.zh).toContain('爽约');

    // evaluating again adds nothing: one live ban per rule
    expect(await evaluateBlacklistRules(t.app.ctx, p.patientId)).toHaveLength(0);
    expect(await bansOf(p.patientId)).toHaveLength(1);

    // the console lists it as active, from the rule
    const admin2 = await adminToken();
    const listed = await t.api.get(
      `/api/v1/admin/blacklist?patientId=${p.patientId}&source=rule&status=active`,
      {
        token: admin2,
      },
    );
    expect(listed.body.total).toBe(1);
    expect(listed.body.items[0].ruleName).toBe('90天内爽约3次，限制预约90天');

    // an admin lifts it: the patient books again, and the punished no-shows do not ban them anew
    const lift = await t.api.post(`/api/v1/admin/blacklist/${ban.id}/lift`, {
      token: admin2,
      body: { reason: '患者说明情况，予以解除' },
    });
    expect(lift.status).toBe(200);
    expect(await evaluateBlacklistRules(t.app.ctx, p.patientId)).toHaveLength(0);
    const booked = await book(p, next.scheduleId);
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  });

  it('no-shows spread wider than the period do not ban; a disabled rule does not fire', async () => {
    const admin = await adminToken();
    const rules = await rulesByKind(admin);
    // tighten the no-show rule to 2 in 7 days for this story
    const edit = await t.api.patch(`/api/v1/admin/blacklist-rules/${rules.no_shows.id}`, {
      token: admin,
      body: { threshold: 2, periodDays: 7, banDays: 14 },
    });
    expect(edit.status).toBe(200);
    try {
      const first = await openClinic(t, admin, { clinicDate: '2026-11-23', feeFen: 0 });
      const p = await newPatient(t);
      expect((await book(p, first.scheduleId)).status).toBe(201);
      t.clock.set('2026-11-23T10:00:00Z');
      await t.app.ctx.jobs.runNow(NO_SHOW_JOB);

      // eight days later, a second no-show: the first one is outside the 7-day period
      t.clock.set('2026-12-01T01:00:00Z');
      const admin2 = await adminToken();
      const second = await openClinic(t, admin2, { clinicDate: '2026-12-01', feeFen: 0 });
      const third = await openClinic(t, admin2, { clinicDate: '2026-12-02', feeFen: 0 });
      expect((await book(p, second.scheduleId)).status).toBe(201);
      expect((await book(p, third.scheduleId)).status).toBe(201);
      t.clock.set('2026-12-01T10:00:00Z');
      await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
      expect(await bansOf(p.patientId)).toHaveLength(0);

      // with the rule disabled, a third no-show within the period does not ban either
      const off = await t.api.patch(`/api/v1/admin/blacklist-rules/${rules.no_shows.id}`, {
        token: await adminToken(),
        body: { enabled: false },
      });
      expect(off.body.enabled).toBe(false);
      t.clock.set('2026-12-02T10:00:00Z');
      await t.app.ctx.jobs.runNow(NO_SHOW_JOB);
      expect(await bansOf(p.patientId)).toHaveLength(0);

      // enabled again, the next evaluation bans for 14 days
      await t.api.patch(`/api/v1/admin/blacklist-rules/${rules.no_shows.id}`, {
        token: await adminToken(),
        body: { enabled: true },
      });
      const created = await evaluateBlacklistRules(t.app.ctx, p.patientId);
      expect(created).toHaveLength(1);
      expect(created[0].endsAt.getTime() - created[0].startsAt.getTime()).toBe(14 * DAY);
    } finally {
      t.clock.set(START);
      await t.api.patch(`/api/v1/admin/blacklist-rules/${rules.no_shows.id}`, {
        token: await adminToken(),
        body: { threshold: 3, periodDays: 90, banDays: 90, enabled: true },
      });
    }
  });

  it('five cancellations within 30 days ban for 30 days; the ban ends by the clock', async () => {
    const admin = await adminToken();
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24', feeFen: 0 });
    const other = await openClinic(t, admin, { clinicDate: '2026-11-25', feeFen: 0 });
    const p = await newPatient(t);
    for (let i = 1; i <= 5; i++) {
      const res = await book(p, clinic.scheduleId);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const cancel = await t.api.post(`/api/v1/registrations/${res.body.id}/cancel`, {
        token: p.token,
        body: {},
      });
      expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
      expect(await bansOf(p.patientId), `after ${i} cancellations`).toHaveLength(i < 5 ? 0 : 1);
    }
    const [ban] = await bansOf(p.patientId);
    expect(ban.reason).toContain('退号5次');
    expect(ban.endsAt.getTime() - ban.startsAt.getTime()).toBe(30 * DAY);

    const refused = await book(p, other.scheduleId);
    expect(refused.body.code).toBe('PATIENT_BLACKLISTED');

    // thirty days later the ban is over: the patient books again
    t.clock.set(new Date(ban.endsAt.getTime()));
    const admin2 = await adminToken();
    const later = await openClinic(t, admin2, { clinicDate: '2026-12-24', feeFen: 0 });
    const ok = await book(p, later.scheduleId);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    // and the cancellations already punished do not ban again
    expect(await evaluateBlacklistRules(t.app.ctx, p.patientId)).toHaveLength(0);
  });

  it('parallel evaluations for one patient add a single ban', async () => {
    const admin = await adminToken();
    const clinic = await openClinic(t, admin, { clinicDate: '2026-11-24', feeFen: 0 });
    const p = await newPatient(t);
    const res = await book(p, clinic.scheduleId);
    const cancel = await t.api.post(`/api/v1/registrations/${res.body.id}/cancel`, {
      token: p.token,
      body: {},
    });
    expect(cancel.status).toBe(200);
    expect(await bansOf(p.patientId)).toHaveLength(0);

    const rule = await t.api.post('/api/v1/admin/blacklist-rules', {
      token: admin,
      body: {
        name: '并发测试：退号1次',
        triggerKind: 'cancellations',
        threshold: 1,
        periodDays: 1,
        banDays: 1,
      },
    });
    expect(rule.status).toBe(201);
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, () => evaluateBlacklistRules(t.app.ctx, p.patientId)),
      );
      expect(results.flat()).toHaveLength(1);
      expect(await bansOf(p.patientId)).toHaveLength(1);
      expect(await messagesOf(t, p.accountId, 'blacklist.banned')).toBe(1);
    } finally {
      await t.api.delete(`/api/v1/admin/blacklist-rules/${rule.body.id}`, { token: admin });
    }
  });
});
