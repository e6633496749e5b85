import { loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { buildApp } from './app.js';
import { seedDemo } from './db/seed/index.js';

const config = loadConfig();
const database = await openDatabase(config);
await migrate(database);
const app = await buildApp({ config, database });

if (config.DEMO) {
  const seeded = await seedDemo(app.ctx);
  if (seeded) app.log.info('demo hospital seeded');
}
if (config.JOBS_ENABLED) await app.ctx.jobs.start();

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  try {
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
const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');
const banner = [
  '',
  '  青囊 Qingnang is running',
  `  Patient H5:    ${base}/`,
  `  Staff console: ${base}/console/`,
  `  API docs:      ${base}/api/docs`,
  `  Database:      ${database.kind === 'pglite' ? `PGlite (${config.DATA_DIR})` : 'PostgreSQL'}`,
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
console.log(banner.join('\n') + '\n');
