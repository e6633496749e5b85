import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { controlDesk } from './control.js';
import { wards } from './inpatient.js';
import { outpatientClinic } from './outpatient.js';
import { patientFiles } from './patients.js';
import { platformCalls } from './platform-calls.js';
import { prescriptionDesk } from './prescriptions.js';
import { reportDesk } from './reports.js';
import { createRuntime, refuse, safeJson, type Answer } from './runtime.js';
import type { HisSim, HisSimOptions } from './types.js';

export { observe, rngFor } from './random.js';
export * from './types.js';

// The simulated HIS/LIS/PACS, one file per part of the hospital:
//   runtime.ts         settings and state, scheduled work, signed pushes to the platform
//   outpatient.ts      visits and their orders; dispensing and performing paid bills
//   prescriptions.ts   insurance e-prescriptions, and billing them at the hospital pharmacy
//   reports.ts         lab (LIS) and imaging (PACS) reports
//   inpatient.ts       admissions, daily charges, discharge and its reversal
//   patients.ts        patient files (建档) behind visit cards
//   platform-calls.ts  the platform's calls to the HIS, and their signatures
//   control.ts         the simulator's own /sim/ endpoints
// This file puts them together behind one HTTP server.

/**
 * Starts the simulated HIS/LIS/PACS: an HTTP server taking the platform's outbound calls (the
 * contract in docs/api.md) and a driver that pushes to the platform's signed integration API the
 * way a hospital's systems do. Deterministic for a seed and an order of events.
 */
export async function createHisSim(opts: HisSimOptions = {}): Promise<HisSim> {
  const sim = createRuntime(opts);
  const reports = reportDesk(sim);
  const inpatient = wards(sim);
  const prescriptions = prescriptionDesk(sim);
  const { openVisit, execute } = outpatientClinic(sim, {
    prescriptions,
    admit: inpatient.admit,
    publishReport: reports.publishReport,
  });
  const { fileOf } = patientFiles(sim);
  const { handlers, verify } = platformCalls(sim, {
    openVisit,
    execute,
    billPrescription: prescriptions.billPrescription,
    fileOf,
  });
  const { admit, nextDay, reverseDischarge } = inpatient;
  const { revokePrescription } = prescriptions;
  const { summary, control } = controlDesk(sim, { execute, revokePrescription, admit, reverseDischarge });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      let answer: Answer;
      try {
        if (path.startsWith('/sim/') || path === '/health') answer = await control(req, raw, path);
        else if (req.method !== 'POST' || !handlers[path]) answer = refuse(404, 'NOT_FOUND', 'no such path');
        else {
          answer = verify(req, raw) ?? { status: 0, body: {} };
          if (answer.status === 0) {
            const body = safeJson(raw);
            if (!body || typeof body !== 'object') answer = refuse(400, 'MALFORMED_JSON', 'body is not JSON');
            else answer = handlers[path](body);
          }
          sim.state.received.push({
            path,
            body: safeJson(raw) ?? {},
            status: answer.status,
            at: sim.now().toISOString(),
          });
        }
      } catch (err) {
        answer = refuse(500, 'SIM_ERROR', (err as Error).message);
      }
      send(res, answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`;

  return {
    url,
    port,
    connect(u, c) {
      sim.link.platformUrl = u.replace(/\/$/, '');
      sim.link.channel = c;
    },
    idle: sim.idle,
    async close() {
      sim.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    faults: sim.faults,
    execute,
    admit,
    nextDay,
    revokePrescription,
    reverseDischarge,
    state: sim.state,
    summary,
  };
}

function send(res: ServerResponse, a: { status: number; body: unknown }) {
  const text = JSON.stringify(a.body);
  res.writeHead(a.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
