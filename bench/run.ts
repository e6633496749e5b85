/**
 * npm run bench: load benchmarks against a real server process on PostgreSQL.
 *
 *  (a) release peak: N logged-in patients hit one release of S slots at once over HTTP;
 *      oversell count (must be 0), bookings per second, latency percentiles;
 *  (b) browsing mix (departments, doctor schedules, remaining numbers) at 500 and 800 concurrent
 *      connections: latency percentiles;
 *  (c) an outpatient day against the reference HIS simulator (packages/his-sim, the platform's HIS
 *      over HTTP): N patients check in, his-sim opens their visits and orders, every patient pays all
 *      their bills at once; latency of each step, time until the HIS confirmed every payment, and
 *      that nothing was charged twice or lost.
 *
 * Writes bench/results/<timestamp>.md and bench/results/latest.json. Only loopback traffic.
 * Sizes: BENCH_PATIENTS (5000), BENCH_SLOTS (500), BENCH_SECONDS (15 per browsing level),
 * BENCH_OUTPATIENTS (200). BENCH_ONLY=a,b (any of a, b, c) runs only those sections; the report
 * then shows the others as skipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../apps/server/src/config.js';
import { openPostgres } from '../apps/server/src/db/client.js';
import { migrate } from '../apps/server/src/db/migrate.js';
import { buildApp } from '../apps/server/src/app.js';
import { seedDemo } from '../apps/server/src/db/seed/index.js';
import { startSession } from '../apps/server/src/platform/auth.js';
import { newId } from '../apps/server/src/platform/ids.js';
import { hospitalDay, dayjs } from '../apps/server/src/platform/clock.js';
import { addPatient } from '../apps/server/src/modules/identity/index.js';
import { makeResidentId } from '../apps/server/src/testing/id-numbers.js';
import { SandboxIdentityVerifier } from '../apps/server/src/integrations/identity/index.js';
import { createHisSim, type HisSim } from '../packages/his-sim/src/index.js';

const root = new URL('..', import.meta.url).pathname;
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 5000);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const OUTPATIENTS = Number(process.env.BENCH_OUTPATIENTS ?? 200);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'a,b,c').split(',').map((x) => x.trim().toLowerCase()));
const BASE_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const KEYS = {
  PII_ENCRYPTION_KEY: 'bench-encryption-key',
  PII_INDEX_KEY: 'bench-index-key',
  JWT_SECRET: 'bench-jwt-secret-that-is-long-enough-0123456789',
};

const log = (...a: unknown[]) => console.log('[bench]', ...a);

async function main() {
  const dbName = `qn_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(BASE_URL);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  let server: ChildProcess | undefined;
  // the HIS for the whole run: his-sim over HTTP, as a hospital's HIS would be
  const sim = await createHisSim({
    port: 0,
    host: '127.0.0.1',
    seed: 20261122,
    admissionRate: 0,
    timings: { orderMs: 200, dispenseMs: null, performMs: null, reportMs: 600_000, dayMs: null },
  });
  try {
    // ---- setup in-process: schema, demo hospital, patients with sessions, one release of SLOTS slots
    const config = loadConfig({
      ...process.env,
      ...KEYS,
      NODE_ENV: 'development',
      DATABASE_URL: url,
      LOG_LEVEL: 'warn',
    });
    const database = await openPostgres(url, 10);
    await migrate(database);
    const setupApp = await buildApp({ config, database, logger: false });
    const ctx = setupApp.ctx;
    await seedDemo(ctx);
    log(`creating ${PATIENTS} patients with sessions`);
    const tokens = await createPatients(ctx, PATIENTS);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (open it in Chrome's devtools)
    const prof = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF]
      : [];
    server = spawn(process.execPath, [...prof, '--import', 'tsx', join(root, 'apps/server/src/main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        ...KEYS,
        DATABASE_URL: url,
        PORT: String(port),
        HOST: '127.0.0.1',
        DEMO: 'false',
        LOG_LEVEL: 'warn',
        // the sandbox channel posts its payment notifications back to this server
        PUBLIC_BASE_URL: base,
        HIS_PROVIDER: 'http',
        HIS_URL: sim.url,
        // the outpatient day checks in on a clinic of today whatever the hour of the run
        CHECKIN_OPENS_MINUTES_BEFORE: '720',
        CHECKIN_CLOSES_MINUTES_AFTER: '720',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitReady(`${base}/api/ready`);

    const [adminRow] = (
      await database.raw.query<{ id: string }>("SELECT id FROM staff_users WHERE username = 'admin'")
    ).rows;
    const adminToken = (await startSession(ctx, 'staff', adminRow.id)).accessToken;
    const release = await openRelease(base, adminToken, ctx);
    log(`release: schedule ${release.scheduleId} with ${release.total} slots on ${release.clinicDate}`);

    // ---- (a) release peak
    let peak: Record<string, unknown> | undefined;
    if (ONLY.has('a')) {
      const cpu0 = cpuSeconds(server.pid);
      const db0 = await backendCpu(admin, dbName);
      const p = await releasePeak(base, tokens, release);
      // CPU the server process and the database backends spent on the peak: steadier than wall
      // time on a shared machine (backends that ended during the peak are not counted)
      const serverCpuSeconds = round(cpuSeconds(server.pid) - cpu0);
      const db1 = await backendCpu(admin, dbName);
      const dbCpuSeconds = round([...db1].reduce((a, [pid, c]) => a + c - (db0.get(pid) ?? 0), 0));
      const oversell = await countOversell(database, release.scheduleId, release.total);
      peak = { ...p, serverCpuSeconds, dbCpuSeconds, ...oversell };
      log('release peak', peak);
    }

    // ---- (b) browsing mix
    const browse: Record<number, BrowseResult> = {};
    if (ONLY.has('b'))
      for (const connections of [500, 800]) {
        browse[connections] = await browsing(base, connections, release);
        log(`browsing at ${connections}`, browse[connections]);
      }

    // ---- (c) outpatient day with his-sim
    let day: DayResult | undefined;
    if (ONLY.has('c')) {
      day = await outpatientDay(base, adminToken, ctx, tokens.slice(0, OUTPATIENTS), sim);
      log('outpatient day', day);
    }

    await setupApp.close();
    await database.close();
    writeReport({ peak, browse, release, day });
  } finally {
    if (server) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await sim.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

async function createPatients(ctx: Awaited<ReturnType<typeof buildApp>>['ctx'], n: number) {
  const out: { token: string; patientId: string }[] = [];
  const now = ctx.clock.now();
  const batch = 25;
  for (let start = 0; start < n; start += batch) {
    const part = await Promise.all(
      Array.from({ length: Math.min(batch, n - start) }, async (_, k) => {
        const i = start + k;
        const accountId = newId();
        await ctx.database.raw.query(
          'INSERT INTO accounts (id, created_at, updated_at) VALUES ($1, $2, $2)',
          [accountId, now],
        );
        const person = {
          name: '测试患者',
          idNumber: makeResidentId('19800101', String(110101 + Math.floor(i / 900)), String(100 + (i % 900))),
        };
        // the sandbox real-name provider knows the invented people, as the population register would
        const verifier = ctx.adapters.identityVerifier;
        if (verifier instanceof SandboxIdentityVerifier) verifier.enrol(person);
        const p = await addPatient(ctx, accountId, {
          ...person,
          idType: 'resident_id',
          phone: `139${String(10_000_000 + i).slice(-8)}`,
          relation: 'self',
        });
        const { accessToken } = await startSession(ctx, 'patient', accountId);
        return { token: accessToken, patientId: p.id };
      }),
    );
    out.push(...part);
  }
  return out;
}

interface Release {
  scheduleId: string;
  departmentId: string;
  doctorId: string;
  clinicDate: string;
  total: number;
}

/** One expert clinic of SLOTS slots, released now to the online channel (07:00-style release). */
async function openRelease(
  base: string,
  token: string,
  ctx: Awaited<ReturnType<typeof buildApp>>['ctx'],
): Promise<Release> {
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const now = new Date();
  const releaseTime = dayjs(now).tz(tz).subtract(1, 'minute').format('HH:mm');
  await call(base, 'PUT', '/api/v1/admin/release-rules/online', token, {
    daysAhead: 7,
    releaseTime,
    reservedPercent: 0,
  });
  const clinicDate = dayjs(hospitalDay(now, tz)).add(7, 'day').format('YYYY-MM-DD');
  const { rows } = await ctx.database.raw.query<{ doctor_id: string; department_id: string }>(
    'SELECT doctor_id, department_id FROM doctor_departments ORDER BY doctor_id LIMIT 1',
  );
  // the night shift (18:00-20:00) in 30-minute segments: 4 segments
  const shift = await ctx.database.raw.query<{ start_time: string; end_time: string }>(
    "SELECT start_time, end_time FROM shifts WHERE code = 'night'",
  );
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const segments = Math.max(
    1,
    Math.floor((minutes(shift.rows[0].end_time) - minutes(shift.rows[0].start_time)) / 30),
  );
  const body = {
    doctorId: rows[0].doctor_id,
    departmentId: rows[0].department_id,
    clinicDate,
    shiftCode: 'night',
    segmentMinutes: 30,
    slotsPerSegment: Math.ceil(SLOTS / segments),
    level: 'expert',
    feeFen: 5000,
  };
  const s = await call(base, 'POST', '/api/v1/admin/schedules', token, body);
  const count = await ctx.database.raw.query<{ n: string }>(
    'SELECT count(*) AS n FROM slots WHERE schedule_id = $1',
    [s.id],
  );
  return {
    scheduleId: s.id,
    departmentId: body.departmentId,
    doctorId: body.doctorId,
    clinicDate,
    total: Number(count.rows[0].n),
  };
}

async function releasePeak(base: string, patients: { token: string; patientId: string }[], release: Release) {
  const agent = new Agent({ connections: 1024, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const bookedLatencies: number[] = [];
  const refusedLatencies: number[] = [];
  let lastBooked = 0;
  let firstSoldOut = Infinity;
  const started = performance.now();
  await Promise.all(
    patients.map(async (p, i) => {
      const t0 = performance.now();
      const res = await request(`${base}/api/v1/registrations`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          patientId: p.patientId,
          scheduleId: release.scheduleId,
          idempotencyKey: `bench-${i}-${release.scheduleId}`,
        }),
      });
      const body = (await res.body.json()) as { code?: string };
      latencies.push(performance.now() - t0);
      (res.statusCode < 300 ? bookedLatencies : refusedLatencies).push(performance.now() - t0);
      if (res.statusCode < 300) lastBooked = Math.max(lastBooked, performance.now() - started);
      else if (body.code === 'SLOTS_SOLD_OUT')
        firstSoldOut = Math.min(firstSoldOut, performance.now() - started);
      const key = res.statusCode < 300 ? String(res.statusCode) : `${res.statusCode} ${body.code ?? ''}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  const booked = Object.entries(statuses)
    .filter(([k]) => k.startsWith('2'))
    .reduce((a, [, v]) => a + v, 0);
  return {
    requests: patients.length,
    slots: release.total,
    booked,
    statuses,
    seconds: round(seconds),
    lastBookedSeconds: round(lastBooked / 1000),
    firstSoldOutSeconds: round(firstSoldOut / 1000),
    bookingsPerSecond: round(booked / seconds),
    requestsPerSecond: round(patients.length / seconds),
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    p99: pct(latencies, 99),
    max: round(Math.max(...latencies)),
    bookedP50: pct(bookedLatencies, 50),
    bookedP99: pct(bookedLatencies, 99),
    refusedP50: pct(refusedLatencies, 50),
    refusedP99: pct(refusedLatencies, 99),
  };
}

async function countOversell(
  database: Awaited<ReturnType<typeof openPostgres>>,
  scheduleId: string,
  total: number,
) {
  const live = await database.raw.query<{ n: string; slots: string }>(
    `SELECT count(*) AS n, count(DISTINCT slot_id) AS slots FROM registrations
     WHERE schedule_id = $1 AND state IN ('locked', 'booked', 'checked_in', 'completed')`,
    [scheduleId],
  );
  const n = Number(live.rows[0].n);
  const distinct = Number(live.rows[0].slots);
  return { liveRegistrations: n, oversell: Math.max(0, n - total) + (n - distinct) };
}

type Ctx = Awaited<ReturnType<typeof buildApp>>['ctx'];

interface DayResult {
  patients: number;
  checkedIn: number;
  visitsOpened: number;
  ordersSeconds: number;
  paid: number;
  payLatency: { p50: number; p95: number; p99: number; max: number };
  paySeconds: number;
  confirmSeconds: number;
  writeBacksConfirmed: number;
  paidOrders: number;
  billsPaidTwice: number;
  refunds: number;
  errors: string[];
}

/** Runs `n` tasks with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

async function waitFor(what: string, done: () => Promise<boolean> | boolean, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function outpatientDay(
  base: string,
  adminToken: string,
  ctx: Ctx,
  patients: { token: string; patientId: string }[],
  sim: HisSim,
): Promise<DayResult> {
  const errors: string[] = [];
  const channel = await call(base, 'POST', '/api/v1/admin/channels', adminToken, {
    code: `bench-his-${Date.now()}`,
    name: '压测 HIS (his-sim)',
    kind: 'his_counter',
    allowedOperations: [
      'his.visits.push',
      'his.bills.push',
      'his.execution.push',
      'lis.reports.push',
      'pacs.reports.push',
    ],
  });
  sim.connect(base, { appId: channel.appId, secret: channel.secret });

  // a free clinic of today on an all-day shift, so that check-in is open whatever the hour
  await call(base, 'PUT', '/api/v1/admin/shifts/bench_all_day', adminToken, {
    nameZh: '全天（压测）',
    nameEn: 'All day (bench)',
    startTime: '00:00',
    endTime: '23:59',
    sort: 99,
  });
  const { rows } = await ctx.database.raw.query<{ doctor_id: string; department_id: string }>(
    'SELECT doctor_id, department_id FROM doctor_departments ORDER BY doctor_id OFFSET 1 LIMIT 1',
  );
  const today = hospitalDay(new Date(), ctx.config.HOSPITAL_TIMEZONE);
  const clinic = await call(base, 'POST', '/api/v1/admin/schedules', adminToken, {
    doctorId: rows[0].doctor_id,
    departmentId: rows[0].department_id,
    clinicDate: today,
    shiftCode: 'bench_all_day',
    segmentMinutes: 720,
    slotsPerSegment: patients.length,
    level: 'general',
    feeFen: 0,
  });

  // book and check in (the check-in reaches his-sim through the platform's durable HIS event)
  let checkedIn = 0;
  await pool(patients, 50, async (p, i) => {
    try {
      const reg = await call(base, 'POST', '/api/v1/registrations', p.token, {
        patientId: p.patientId,
        scheduleId: clinic.id,
        idempotencyKey: `bench-day-${i}-${clinic.id}`,
      });
      await call(base, 'POST', `/api/v1/registrations/${reg.id}/check-in`, p.token, {});
      checkedIn++;
    } catch (err) {
      errors.push(String(err).slice(0, 200));
    }
  });
  const ordersStarted = performance.now();
  await waitFor('his-sim to open every visit', () => sim.state.visits.size >= checkedIn, 180_000);
  const ordersSeconds = (performance.now() - ordersStarted) / 1000;

  // every patient pays all pending bills in one payment, all at the same time
  const agent = new Agent({ connections: 512, pipelining: 1, keepAliveTimeout: 30_000 });
  const send = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await request(base + path, {
      method: method as 'GET' | 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.body.json()) as Record<string, any>;
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${json.code ?? ''}`);
    return json;
  };
  const latencies: number[] = [];
  let paid = 0;
  const payStarted = performance.now();
  await Promise.all(
    patients.map(async (p, i) => {
      const t0 = performance.now();
      try {
        const bills = await send('GET', `/api/v1/bills?patientId=${p.patientId}`, p.token);
        if (!bills.items.length) return; // his-sim ordered nothing for this visit
        const pay = await send('POST', '/api/v1/bill-payments', p.token, {
          patientId: p.patientId,
          billIds: bills.items.map((b: { id: string }) => b.id),
          idempotencyKey: `bench-pay-${i}-${clinic.id}`,
        });
        await send('POST', `/api/v1/payments/orders/${pay.orderId}/pay`, p.token, { channel: 'sandbox' });
        await send('POST', `/api/v1/payments/sandbox/${pay.orderNo}/complete`, p.token, {
          outcome: 'success',
        });
        latencies.push(performance.now() - t0);
        paid++;
      } catch (err) {
        errors.push(String(err).slice(0, 200));
      }
    }),
  );
  const paySeconds = (performance.now() - payStarted) / 1000;
  await agent.close();

  const confirmStarted = performance.now();
  const confirmed = async () =>
    Number(
      (
        await ctx.database.raw.query<{ n: string }>(
          "SELECT count(*) AS n FROM bill_writebacks WHERE state = 'done'",
        )
      ).rows[0].n,
    );
  await waitFor('the HIS to confirm every payment', async () => (await confirmed()) >= paid, 180_000).catch(
    (err) => errors.push(String(err)),
  );
  const confirmSeconds = (performance.now() - confirmStarted) / 1000;
  const q = async (sql: string) => Number((await ctx.database.raw.query<{ n: string }>(sql)).rows[0].n);
  return {
    patients: patients.length,
    checkedIn,
    visitsOpened: sim.state.visits.size,
    ordersSeconds: round(ordersSeconds),
    paid,
    payLatency: {
      p50: pct(latencies, 50),
      p95: pct(latencies, 95),
      p99: pct(latencies, 99),
      max: round(Math.max(...latencies)),
    },
    paySeconds: round(paySeconds),
    confirmSeconds: round(confirmSeconds),
    writeBacksConfirmed: await confirmed(),
    paidOrders: await q(
      "SELECT count(*) AS n FROM payment_orders WHERE business_type = 'bill' AND state = 'paid'",
    ),
    // a bill in two paid payments would be money taken twice
    billsPaidTwice: await q(
      `SELECT count(*) AS n FROM (SELECT b FROM bill_payments, unnest(bill_ids) AS b WHERE state = 'paid' GROUP BY b HAVING count(*) > 1) x`,
    ),
    refunds: await q('SELECT count(*) AS n FROM refunds'),
    errors: errors.slice(0, 5),
  };
}

interface BrowseResult {
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p97_5: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function browsing(base: string, connections: number, r: Release): Promise<BrowseResult> {
  const result = await autocannon({
    url: base,
    connections,
    duration: SECONDS,
    requests: [
      { method: 'GET', path: '/api/v1/departments' },
      { method: 'GET', path: `/api/v1/doctors?departmentId=${r.departmentId}` },
      { method: 'GET', path: `/api/v1/schedules?departmentId=${r.departmentId}&date=${r.clinicDate}` },
      { method: 'GET', path: `/api/v1/schedules?doctorId=${r.doctorId}` },
    ],
  });
  return {
    connections,
    requests: result.requests.total,
    rps: round(result.requests.average),
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

function writeReport(r: {
  peak?: Record<string, unknown>;
  browse: Record<number, BrowseResult>;
  release: Release;
  day?: DayResult;
}) {
  const dir = join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const ok = (v: number, target: number) => (v <= target ? 'met' : 'not met');
  const skipped = '_Skipped in this run (BENCH_ONLY)._\n';
  const sectionA = () => {
    const p = r.peak as Record<string, number> & { statuses: Record<string, number> };
    return `| measure | value | target |
| --- | --- | --- |
| oversell (live registrations beyond the slots, or one slot held twice) | ${p.oversell} | 0 (${p.oversell === 0 ? 'met' : 'NOT MET'}) |
| bookings (slot locked for payment) | ${p.booked} of ${p.slots} | all slots taken |
| answers by status | ${Object.entries(p.statuses)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')} | |
| wall time | ${p.seconds} s | |
| last slot taken / first "sold out" answered, after the start | ${p.lastBookedSeconds} s / ${p.firstSoldOutSeconds} s | |
| bookings per second | ${p.bookingsPerSecond} | |
| CPU time spent on the peak: server process / database backends | ${p.serverCpuSeconds} s / ${p.dbCpuSeconds} s | |
| requests per second | ${p.requestsPerSecond} | |
| latency p50 / p95 / p99 / max | ${p.p50} / ${p.p95} / ${p.p99} / ${p.max} ms | p99 ≤ 500 ms (${ok(p.p99, 500)}); bar 1 s |
| latency of bookings p50 / p99; of refusals ("sold out") p50 / p99 | ${p.bookedP50} / ${p.bookedP99} ms; ${p.refusedP50} / ${p.refusedP99} ms | |
`;
  };
  const sectionB =
    () => `| connections | requests | req/s | p50 | p97.5 | p99 | errors | non-2xx | target p99 |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${Object.values(r.browse)
  .map(
    (b) =>
      `| ${b.connections} | ${b.requests} | ${b.rps} | ${b.p50} ms | ${b.p97_5} ms | ${b.p99} ms | ${b.errors} | ${b.non2xx} | ≤ 200 ms (${ok(b.p99, 200)}) |`,
  )
  .join('\n')}

Each browsing level runs ${SECONDS} s. Procurement bar: 1 s at 500 concurrent, 1.5 s at 800.
`;
  const sectionC = (
    d: DayResult,
  ) => `${d.patients} patients book a free clinic of today and check in; the check-in reaches his-sim through the
platform's durable HIS event; his-sim opens each visit and places its orders (drugs, lab tests, imaging)
through the signed integration API; then every patient pays all their bills in one payment at the
same moment (sandbox channel), and the platform writes each payment back to his-sim.

| measure | value |
| --- | --- |
| checked in / visits opened by his-sim | ${d.checkedIn} / ${d.visitsOpened} |
| last check-in → every visit and its orders pushed | ${d.ordersSeconds} s |
| payments (bill list → payment → pay → sandbox success) | ${d.paid} in ${d.paySeconds} s (patients whose visit had orders) |
| latency of one patient's whole payment p50 / p95 / p99 / max | ${d.payLatency.p50} / ${d.payLatency.p95} / ${d.payLatency.p99} / ${d.payLatency.max} ms |
| all paid → every write-back confirmed by the HIS | ${d.confirmSeconds} s (${d.writeBacksConfirmed} confirmed) |
| paid bill orders | ${d.paidOrders} |
| bills paid twice | ${d.billsPaidTwice} (must be 0) |
| refunds | ${d.refunds} (0 expected: nothing failed) |
${d.errors.length ? `\nErrors seen: ${d.errors.join('; ')}\n` : ''}`;
  const note = process.env.BENCH_NOTE ? `\n> ${process.env.BENCH_NOTE}\n` : '';
  const md = `# Qingnang benchmark report

Run at ${at} on ${machine}, PostgreSQL, one server process (all traffic on loopback; the load
generator shares the machine's two cores with the server and the database).
${note}
## (a) Release peak: ${PATIENTS} logged-in patients, one release of ${r.release.total} slots, all at once over HTTP

${r.peak ? sectionA() : skipped}
## (b) Browsing mix: departments, a department's doctors, schedules with remaining numbers

${Object.keys(r.browse).length ? sectionB() : skipped}
## (c) Outpatient day with the reference HIS simulator (his-sim as the HIS over HTTP)

${r.day ? sectionC(r.day) : skipped}`;
  const stamp = at.replace(/[:.]/g, '-');
  // a partial run (BENCH_ONLY) keeps its own file and leaves latest.md to full runs
  const partial = !(r.peak && r.day && Object.keys(r.browse).length);
  writeFileSync(join(dir, `${stamp}${partial ? '-partial' : ''}.md`), md);
  if (!partial) {
    writeFileSync(join(dir, 'latest.md'), md);
    writeFileSync(join(dir, 'latest.json'), JSON.stringify({ at, machine, ...r }, null, 2));
  }
  console.log(md);
}

/** CPU seconds so far of each database backend serving `dbName` (same machine only). */
async function backendCpu(admin: pg.Client, dbName: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
    dbName,
  ]);
  return new Map(
    rows.map((r) => [r.pid, cpuSeconds(r.pid)] as [number, number]).filter(([, c]) => !Number.isNaN(c)),
  );
}

/** User + system CPU seconds of a process so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const round = (v: number) => Math.round(v * 10) / 10;
function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]);
}

async function call(base: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, any>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function waitReady(url: string) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not become ready');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

await main();
