#!/usr/bin/env node
// `npm run his-sim`: the reference HIS/LIS simulator as its own process, against a running platform.
//
//   HIS_SIM_PLATFORM_URL   the platform (default http://127.0.0.1:3000)
//   HIS_SIM_APP_ID         app id of its integration channel (default qn-his-sim, the demo channel)
//   HIS_SIM_CHANNEL_SECRET that channel's secret (default: the demo secret)
//   HIS_SECRET             verifies the platform's calls (the platform's HIS_SECRET; same default)
//   HIS_SIM_PORT           where it listens (default 3100); the platform's HIS_URL points here
//   HIS_SIM_HOST           default 127.0.0.1
//   HIS_SIM_SEED           default 20261123
//   HIS_SIM_SPEED          divides every delay (default 1; 10 runs a simulated day in 18 s)
//   HIS_SIM_ADMISSION_RATE share of check-ins admitted (default 0.1)
//   HIS_SIM_PRESCRIPTION_RATE share of insured check-ins given an insurance e-prescription (default 0.3;
//                          the channel needs the his.prescriptions.push operation)
//   HIS_SIM_ADOPT_UNKNOWN_BILLS true: write back bills other channels pushed (default: refuse them)
import { createHisSim, DEFAULT_PLATFORM_SECRET, DEFAULT_TIMINGS, type HisSimTimings } from './sim.js';

const env = process.env;
const speed = Number(env.HIS_SIM_SPEED ?? 1) || 1;
const timings = Object.fromEntries(
  Object.entries(DEFAULT_TIMINGS).map(([k, v]) => [k, v === null ? null : Math.round(v / speed)]),
) as unknown as HisSimTimings;

const sim = await createHisSim({
  platformUrl: env.HIS_SIM_PLATFORM_URL ?? 'http://127.0.0.1:3000',
  channel: {
    appId: env.HIS_SIM_APP_ID ?? 'qn-his-sim',
    secret: env.HIS_SIM_CHANNEL_SECRET ?? 'qingnang-demo-his-sim-channel-secret',
  },
  platformSecret: env.HIS_SECRET ?? DEFAULT_PLATFORM_SECRET,
  seed: Number(env.HIS_SIM_SEED ?? 20261123),
  port: Number(env.HIS_SIM_PORT ?? 3100),
  host: env.HIS_SIM_HOST ?? '127.0.0.1',
  admissionRate: env.HIS_SIM_ADMISSION_RATE ? Number(env.HIS_SIM_ADMISSION_RATE) : undefined,
  prescriptionRate: Number(env.HIS_SIM_PRESCRIPTION_RATE ?? 0.3),
  adoptUnknownBills: env.HIS_SIM_ADOPT_UNKNOWN_BILLS === 'true',
  timings,
  log: (msg, detail) => console.log(`[his-sim] ${msg}`, detail ? JSON.stringify(detail) : ''),
});
console.log(`[his-sim] listening on ${sim.url}; set the platform's HIS_PROVIDER=http HIS_URL=${sim.url}`);

let closing = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    if (closing) return;
    closing = true;
    void sim.close().finally(() => process.exit(0));
  });
