#!/usr/bin/env node
// `npm start`: builds the two web apps when they are missing, then runs the server.
// Demo mode (seed the demo hospital when empty, print demo accounts) unless NODE_ENV=production.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = ['apps/patient/dist/index.html', 'apps/console/dist/index.html'].every((f) => existsSync(join(root, f)));
if (!built) {
  console.log('Building the patient H5 and the staff console (first start only)...');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const production = process.env.NODE_ENV === 'production';
const env = { ...process.env, DEMO: process.env.DEMO ?? (production ? 'false' : 'true') };
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/server/src/main.ts')], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
