import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { GENERATE_JOB } from './routes.js';
import { schedulingSeed } from './seed.js';
import { getSchedule, getSegments, markStopped } from './service.js';
import { addTestDoctor } from './test-fixtures.js';

let t: TestApp;
let admin: string;
let doctorToken: string;
let doctorId: string;
let departmentId: string;
let secondDepartmentId: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = (await loginStaff(t, 'operator')).token;
  doctorToken = (await loginStaff(t, 'doctor')).token;
  ({ doctorId, departmentId, secondDepartmentId } = await addTestDoctor(t));
});
afterAll(async () => t?.close());

describe('scheduling: from templates to a bookable calendar', () => {
  it('the demo seed gives every doctor 14 days of schedules with a mix of levels and some free clinics', async () => {
    for (const title of ['associate_chief', 'attending', 'attending', 'resident'] as const)
      await addTestDoctor(t, { title });
    expect(await schedulingSeed.run(t.app.ctx)).toBe(true);
    expect(await schedulingSeed.run(t.app.ctx)).toBe(false);
    const rows = await t.app.ctx.database.raw.query<{ level: string; free: boolean; n: string }>(
      `SELECT level, fee_fen = 0 AS free, count(*) AS n FROM schedules GROUP BY 1, 2`,
    );
    const span = await t.app.ctx.database.raw.query<{ first: string; last: string }>(
      `SELECT min(clinic_date)::text AS first, max(clinic_date)::text AS last FROM schedules WHERE doctor_id = $1`,
      [doctorId],
    );
    expect(span.rows[0]).toEqual({ first: '2026-11-23', last: '2026-12-06' });
    const levels = new Set(rows.rows.map((r) => r.level));
    expect(levels.has('general')).toBe(true);
    expect(levels.has('expert')).toBe(true);
    expect(rows.rows.some((r) => r.free)).toBe(true);
  });

  it('an operator defines a shift and a template; generation is idempotent and a doctor holds clinics in two departments', async () => {
    const shift = await t.api.put('/api/v1/admin/shifts/evening_x', {
      token: admin,
      body: { nameZh: '傍晚', nameEn: 'Evening', startTime: '16:00', endTime: '17:00', sort: 5 },
    });
    expect(shift.status).toBe(200);
    const bad = await t.api.put('/api/v1/admin/shifts/bad_x', {
      token: admin,
      body: { nameZh: '坏', nameEn: 'Bad', startTime: '17:00', endTime: '16:00' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('SHIFT_TIMES_INVALID');

    const body = {
      doctorId,
      departmentId,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      shiftCode: 'evening_x',
      segmentMinutes: 20,
      slotsPerSegment: 2,
      level: 'expert',
      feeFen: 2500,
    };
    const tpl = await t.api.post('/api/v1/admin/schedule-templates', { token: admin, body });
    expect(tpl.status).toBe(201);
    const twice = await t.api.post('/api/v1/admin/schedule-templates', { token: admin, body });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('TEMPLATE_EXISTS');
    const other = await t.api.post('/api/v1/admin/schedule-templates', {
      token: admin,
      body: { ...body, departmentId: secondDepartmentId, weekdays: [1] },
    });
    expect(other.status).toBe(201);

    const first = await t.api.post('/api/v1/admin/schedule-templates/generate', {
      token: admin,
      body: { weeks: 1 },
    });
    expect(first.status).toBe(200);
    expect(first.body.created).toBeGreaterThanOrEqual(7);
    await t.app.ctx.jobs.runNow(GENERATE_JOB);
    const again = await t.api.post('/api/v1/admin/schedule-templates/generate', {
      token: admin,
      body: { weeks: 1 },
    });
    expect(again.body.created).toBe(0);

    const cal = await t.api.get(
      `/api/v1/admin/schedules?doctorId=${doctorId}&from=2026-11-23&to=2026-11-29`,
      { token: admin },
    );
    expect(cal.status).toBe(200);
    const evening = cal.body.items.filter((s: any) => s.shiftCode === 'evening_x');
    expect(evening).toHaveLength(8);
    // 16:00-17:00 in 20-minute segments of 2 slots
    expect(evening[0].segments).toHaveLength(3);
    expect(evening[0].total).toBe(6);
    expect(evening[0].feeFen).toBe(2500);
  });

  it('staff without scheduling.manage are refused, patients browse without logging in', async () => {
    const refused = await t.api.get('/api/v1/admin/shifts', { token: doctorToken });
    expect(refused.status).toBe(403);
    const anon = await t.api.get(`/api/v1/schedules?doctorId=${doctorId}`);
    expect(anon.status).toBe(200);
    expect(anon.body.items.length).toBeGreaterThan(0);
    expect(anon.body.items[0].doctorName).toMatch(/^李医生/);
    expect(anon.body.items[0].departmentName).toBeTruthy();
    // the same doctor shows under the second department with that department's clinic (Monday)
    const second = await t.api.get(`/api/v1/schedules?departmentId=${secondDepartmentId}&date=2026-11-23`);
    expect(second.body.items.map((s: any) => [s.doctorId, s.shiftCode])).toContainEqual([
      doctorId,
      'evening_x',
    ]);
    const noFilter = await t.api.get('/api/v1/schedules');
    expect(noFilter.status).toBe(400);
  });

  it('加号 adds numbered slots after the last one; release rules move the release time', async () => {
    const created = await t.api.post('/api/v1/admin/schedules', {
      token: admin,
      body: {
        doctorId,
        departmentId,
        clinicDate: '2026-11-26',
        shiftCode: 'night',
        segmentMinutes: 60,
        slotsPerSegment: 3,
        level: 'general',
        feeFen: 1000,
      },
    });
    expect(created.status).toBe(201);
    const dup = await t.api.post('/api/v1/admin/schedules', {
      token: admin,
      body: {
        doctorId,
        departmentId,
        clinicDate: '2026-11-26',
        shiftCode: 'night',
        segmentMinutes: 60,
        slotsPerSegment: 3,
        level: 'general',
        feeFen: 1000,
      },
    });
    expect(dup.status).toBe(409);
    const seg = created.body.segments[0];
    const extra = await t.api.post(`/api/v1/admin/schedules/${created.body.id}/extra-slots`, {
      token: admin,
      body: { segmentId: seg.id, count: 2 },
    });
    expect(extra.status).toBe(201);
    const total = created.body.segments.length * 3;
    expect(extra.body.numbers).toEqual([total + 1, total + 2]);

    const view = await t.api.get(`/api/v1/admin/schedules/${created.body.id}`, { token: admin });
    expect(view.body.segments[0].remaining).toBe(5);
    expect(view.body.released).toBe(true);

    const rule = await t.api.put('/api/v1/admin/release-rules/online', {
      token: admin,
      body: { daysAhead: 1, releaseTime: '07:00' },
    });
    expect(rule.status).toBe(200);
    const later = await t.api.get(`/api/v1/schedules?doctorId=${doctorId}&date=2026-11-26`);
    const night = later.body.items.find((s: any) => s.id === created.body.id);
    expect(night.released).toBe(false);
    expect(night.releaseAt).toBe('2026-11-24T23:00:00.000Z');

    const days = await t.api.get(`/api/v1/departments/${departmentId}/schedule-days`);
    expect(days.status).toBe(200);
    expect(days.body.items.map((d: any) => d.date)).toEqual(['2026-11-23', '2026-11-24']);
    await t.api.put('/api/v1/admin/release-rules/online', { token: admin, body: { daysAhead: 7 } });
  });

  it('a channel quota reserves part of every segment: online patients see only the shared share', async () => {
    const rule = await t.api.put('/api/v1/admin/release-rules/counter', {
      token: admin,
      body: { reservedPercent: 50 },
    });
    expect(rule.status).toBe(200);
    try {
      const created = await t.api.post('/api/v1/admin/schedules', {
        token: admin,
        body: {
          doctorId,
          departmentId,
          clinicDate: '2026-11-28',
          shiftCode: 'night',
          segmentMinutes: 240,
          slotsPerSegment: 10,
          level: 'general',
          feeFen: 500,
        },
      });
      expect(created.status).toBe(201);
      const online = await t.api.get(`/api/v1/schedules?doctorId=${doctorId}&date=2026-11-28`);
      const s = online.body.items.find((x: any) => x.id === created.body.id);
      expect(s.total).toBe(5);
      expect(s.remaining).toBe(5);
      const buckets = await t.app.ctx.database.raw.query<{ channel: string; n: string }>(
        'SELECT channel, count(*) AS n FROM slots WHERE schedule_id = $1 GROUP BY channel ORDER BY channel',
        [created.body.id],
      );
      expect(buckets.rows.map((r) => [r.channel, Number(r.n)])).toEqual([
        ['counter', 5],
        ['shared', 5],
      ]);
    } finally {
      await t.api.put('/api/v1/admin/release-rules/counter', { token: admin, body: { reservedPercent: 0 } });
    }
  });

  it('a clinic is stopped once: a second stop is refused and the first reason and time stand', async () => {
    const newClinic = async (clinicDate: string) => {
      const created = await t.api.post('/api/v1/admin/schedules', {
        token: admin,
        body: {
          doctorId,
          departmentId,
          clinicDate,
          shiftCode: 'night',
          segmentMinutes: 60,
          slotsPerSegment: 2,
          level: 'general',
          feeFen: 500,
        },
      });
      expect(created.status).toBe(201);
      return created.body as { id: string; segments: { id: string }[] };
    };
    const stop = (input: { scheduleId: string; segmentId?: string; reason: string; at: string }) =>
      t.app.ctx.db.transaction((tx) => markStopped(tx, { ...input, now: new Date(input.at) }));

    const clinic = await newClinic('2026-11-29');
    await stop({ scheduleId: clinic.id, reason: '医生外出', at: '2026-11-23T02:00:00Z' });
    await expect(
      stop({ scheduleId: clinic.id, reason: '重复停诊', at: '2026-11-23T03:00:00Z' }),
    ).rejects.toMatchObject({ code: 'ALREADY_STOPPED', status: 409 });
    const stopped = await getSchedule(t.app.ctx, clinic.id);
    expect(stopped).toMatchObject({ state: 'stopped', stopReason: '医生外出' });
    expect(stopped.stoppedAt).toEqual(new Date('2026-11-23T02:00:00Z'));

    const other = await newClinic('2026-11-30');
    const segmentId = other.segments[0]!.id;
    await stop({ scheduleId: other.id, segmentId, reason: '设备检修', at: '2026-11-23T02:00:00Z' });
    await expect(
      stop({ scheduleId: other.id, segmentId, reason: '重复停诊', at: '2026-11-23T03:00:00Z' }),
    ).rejects.toMatchObject({ code: 'ALREADY_STOPPED', status: 409 });
    const [segment] = (await getSegments(t.app.ctx.db, other.id)).filter((g) => g.id === segmentId);
    expect(segment).toMatchObject({ state: 'stopped', stopReason: '设备检修' });
    expect((await getSchedule(t.app.ctx, other.id)).state).toBe('open');
  });
});
