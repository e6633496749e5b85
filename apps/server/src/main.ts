import { loadConfig, type AppConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { buildApp } from './app.js';
import { seedDemo } from './db/seed/index.js';

import { HIS_SIM_APP_ID } from './db/seed/his-sim-channel.js';

let config: AppConfig;
try {
  config = loadConfig();
} catch (err) {
  // A refused configuration is the operator's to fix: say which variable, no stack trace, exit non-zero.
  console.error(`\n青囊 Qingnang did not start.\n${(err as Error).message}\n`);
  process.exit(1);
}

// Demo mode runs the reference HIS simulator in this process and uses it as the HIS over HTTP: the
// platform and his-sim still meet only through the signed HTTP contracts, and one process means one
// quick start and one clean shutdown (no child process to orphan). `npm run his-sim` runs it alone.
type Sim = Awaited<ReturnType<(typeof import('../../../packages/his-sim/src/index.js'))['createHisSim']>>;
let sim: Sim | undefined;
if (config.DEMO && config.HIS_SIM && config.HIS_PROVIDER === 'sandbox') {
  const { createHisSim } = await import('../../../packages/his-sim/src/index.js');
  const start = (port: number) =>
    createHisSim({
      port,
      seed: config.HIS_SIM_SEED,
      platformSecret: config.HIS_SECRET,
      admissionRate: 0.2,
      // INS-16: a share of insured visits also gets an insurance e-prescription (channel seeded with it)
      prescriptionRate: 0.3,
      // bills pushed by other channels (browser tests, someone trying the API) are written back too
      adoptUnknownBills: true,
      log: (msg, detail) => console.log(`[his-sim] ${msg}`, detail ? JSON.stringify(detail) : ''),
    });
  const started = await start(config.HIS_SIM_PORT).catch((err: NodeJS.ErrnoException) =>
    err.code === 'EADDRINUSE' ? start(0) : Promise.reject(err),
  );
  sim = started;
  config = { ...config, HIS_PROVIDER: 'http', HIS_URL: started.url };
}

// Every start of a production installation says which sandboxes it runs, where no one can miss it.
const sandboxWarnings =
  config.NODE_ENV === 'production'
    ? config.sandboxes.map(
        (s) =>
          `  !! SANDBOX ADAPTER "${s}" IS ENABLED IN PRODUCTION (ALLOW_SANDBOX): not for real patients or money`,
      )
    : [];
if (sandboxWarnings.length) console.error(['', ...sandboxWarnings, ''].join('\n'));

const database = await openDatabase(config);
await migrate(database);
const app = await buildApp({ config, database });
for (const s of config.NODE_ENV === 'production' ? config.sandboxes : [])
  app.log.warn({ sandbox: s, allowedBy: 'ALLOW_SANDBOX' }, `sandbox adapter ${s} enabled in production`);

if (config.DEMO) {
  const seeded = await seedDemo(app.ctx);
  if (seeded) app.log.info('demo hospital seeded');
}
if (config.JOBS_ENABLED) await app.ctx.jobs.start();
// Event deliveries and cross-process notices (read-cache flushes) run whether or not jobs do.
await app.ctx.events.start();

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  try {
    await sim?.close();
    await app.close();
    await app.ctx.jobs.stop();
    await database.close();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ port: config.PORT, host: config.HOST });
if (sim) {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  sim.connect(`http://127.0.0.1:${port}`, { appId: HIS_SIM_APP_ID, secret: config.HIS_SIM_CHANNEL_SECRET });
}
const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');
const banner = [
  '',
  '  青囊 Qingnang is running',
  `  Patient H5:    ${base}/`,
  `  Staff console: ${base}/console/`,
  `  API docs:      ${config.exposure.apiDocs === 'off' ? 'off (API_DOCS_EXPOSURE)' : `${base}/api/docs`}`,
  `  Database:      ${database.kind === 'pglite' ? `PGlite (${config.DATA_DIR})` : 'PostgreSQL'}`,
  `  HIS:           ${sim ? `his-sim (reference simulator) at ${sim.url}` : config.HIS_PROVIDER === 'http' ? config.HIS_URL : 'sandbox'}`,
];
if (config.DEMO) {
  banner.push(
    '  Demo staff accounts (see README): admin / Admin@2026, operator / Oper@2026, doctor / Doctor@2026,',
  );
  banner.push('    nurse / Nurse@2026, pharmacist / Pharm@2026, finance / Finance@2026, medic / Medic@2026');
  banner.push(
    '  Demo patient: any phone number; the sandbox SMS code is shown in the H5 and in the console SMS log',
  );
}
banner.push(...sandboxWarnings);
console.log(banner.join('\n') + '\n');
