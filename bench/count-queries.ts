/**
 * npm run bench:queries: how many SQL statements one request of the release peak costs, on
 * PostgreSQL, in process (no HTTP load). Four patients in turn book a clinic of two slots: two
 * bookings, one that finds the pool empty, one answered from the sold-out memo; each request's
 * statements are printed in order (pg-boss's own statements included). Used to find where a
 * booking's time goes.
 */
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

const BASE_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

let recording: string[] | undefined;
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const q = args[0] as string | { text?: string };
  const text = typeof q === 'string' ? q : (q?.text ?? '?');
  recording?.push(text.replace(/\s+/g, ' ').trim().slice(0, 150));
  return (original as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

const dbName = `qn_queries_${Date.now()}`;
const admin = new pg.Client({ connectionString: BASE_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const u = new URL(BASE_URL);
u.pathname = `/${dbName}`;
try {
  const config = loadConfig({
    ...process.env,
    PII_ENCRYPTION_KEY: 'bench-encryption-key',
    PII_INDEX_KEY: 'bench-index-key',
    JWT_SECRET: 'bench-jwt-secret-that-is-long-enough-0123456789',
    NODE_ENV: 'development',
    DATABASE_URL: u.toString(),
    LOG_LEVEL: 'warn',
  });
  const database = await openPostgres(u.toString(), 10);
  await migrate(database);
  const app = await buildApp({ config, database, logger: process.env.BENCH_LOG === '1' });
  const ctx = app.ctx;
  await seedDemo(ctx);
  await ctx.jobs.start();
  const patients = [];
  for (let i = 0; i < 4; i++) {
    const accountId = newId();
    await database.raw.query('INSERT INTO accounts (id, created_at, updated_at) VALUES ($1, now(), now())', [
      accountId,
    ]);
    const p = await addPatient(ctx, accountId, {
      name: '测试患者',
      idType: 'resident_id',
      idNumber: makeResidentId('19800101', '110101', String(100 + i)),
      phone: `1391000000${i}`,
      relation: 'self',
    });
    patients.push({ token: (await startSession(ctx, 'patient', accountId)).accessToken, patientId: p.id });
  }
  const [adminRow] = (
    await database.raw.query<{ id: string }>("SELECT id FROM staff_users WHERE username = 'admin'")
  ).rows;
  const adminToken = (await startSession(ctx, 'staff', adminRow.id)).accessToken;
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      payload: payload as object,
    });
    return { status: res.statusCode, body: res.json() as Record<string, any> };
  };
  const tz = config.HOSPITAL_TIMEZONE;
  await call('PUT', '/api/v1/admin/release-rules/online', adminToken, {
    daysAhead: 7,
    releaseTime: dayjs().tz(tz).subtract(1, 'minute').format('HH:mm'),
    reservedPercent: 0,
  });
  const { rows } = await database.raw.query<{ doctor_id: string; department_id: string }>(
    'SELECT doctor_id, department_id FROM doctor_departments ORDER BY doctor_id LIMIT 1',
  );
  const s = await call('POST', '/api/v1/admin/schedules', adminToken, {
    doctorId: rows[0].doctor_id,
    departmentId: rows[0].department_id,
    clinicDate: dayjs(hospitalDay(new Date(), tz)).add(7, 'day').format('YYYY-MM-DD'),
    shiftCode: 'night',
    segmentMinutes: 120,
    slotsPerSegment: 1,
    level: 'expert',
    feeFen: 5000,
  });
  // warm up: the first request of a kind pays one-off costs (schema compile, first connections)
  await call('GET', '/api/v1/departments', patients[0].token);
  for (let i = 0; i < 4; i++) {
    recording = [];
    const t0 = performance.now();
    const r = await call('POST', '/api/v1/registrations', patients[i].token, {
      patientId: patients[i].patientId,
      scheduleId: s.body.id,
      idempotencyKey: `count-queries-${i}`,
    });
    const ms = performance.now() - t0;
    const statements = recording;
    recording = undefined;
    console.log(
      `\n## request ${i + 1}: ${r.status} ${r.body.code ?? ''}, ${statements.length} statements, ${ms.toFixed(1)} ms`,
      r.status >= 500 ? JSON.stringify(r.body) : '',
    );
    statements.forEach((q, k) => console.log(`${String(k + 1).padStart(3)}. ${q}`));
  }
  await app.close();
  await ctx.jobs.stop();
  await database.close();
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
