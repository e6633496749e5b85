import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, isPostgres, type TestApp } from '../../testing/harness.js';
import type { SandboxPrescriptionCentre } from '../../integrations/insurance/prescriptions.js';
import { messagesOf } from '../registration/testing.js';
import { POLL_JOB } from './service.js';
import {
  cardHolder,
  circulating,
  openPrescriptionChannel,
  osimertinib,
  rowOf,
  rxBody,
  type HisCall,
} from './test-helpers.js';

/**
 * Prescriptions under parallel requests: a repeated push is one prescription, two choices made at
 * once leave the platform and the centre naming the same pharmacy, and a dispensing seen by several
 * checks at once is recorded and announced once. PostgreSQL only: PGlite has a single connection.
 */
let t: TestApp;
let his: HisCall;

beforeAll(async () => {
  if (!isPostgres()) return;
  t = await createTestApp({ poolSize: 20 });
  his = await openPrescriptionChannel(t);
});
afterAll(async () => t?.close());

describe.runIf(isPostgres())('prescriptions under concurrency (PostgreSQL)', () => {
  it('the same push sent eight times at once is stored once', async () => {
    const p = await cardHolder(t);
    const body = rxBody(t, p);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => his('/api/integration/v1/prescriptions', body)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const n = await t.app.ctx.database.raw.query<{ n: string }>(
      'SELECT count(*) AS n FROM prescriptions WHERE his_rx_no = $1',
      [body.hisRxNo],
    );
    expect(Number(n.rows[0].n)).toBe(1);
  });

  it('two pharmacies chosen at once: one choice wins, and the centre holds the same pharmacy', async () => {
    const p = await cardHolder(t);
    const rx = await circulating(t, his, p, { items: [osimertinib] });
    const answers = await Promise.all(
      ['P001', 'P002', 'P001', 'P002'].map((pharmacyCode) =>
        t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
          token: p.token,
          body: { where: 'retail', pharmacyCode },
        }),
      ),
    );
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    expect(answers.some((a) => a.status === 200)).toBe(true);
    const row = await rowOf(t, rx.id);
    const centre = t.app.ctx.adapters.prescriptionCentre as SandboxPrescriptionCentre;
    expect(row.state).toBe('dispatched');
    expect((await centre.query(t.app.ctx, rx.hiRxNo)).pharmacyCode).toBe(row.pharmacyCode);
  });

  it('a dispensing found by several checks at once is recorded and announced once', async () => {
    const p = await cardHolder(t);
    const rx = await circulating(t, his, p);
    await t.api.post(`/api/v1/prescriptions/${rx.id}/fill`, {
      token: p.token,
      body: { where: 'retail', pharmacyCode: 'P004' },
    });
    const centre = t.app.ctx.adapters.prescriptionCentre as SandboxPrescriptionCentre;
    await centre.dispense(t.app.ctx, rx.hiRxNo);
    await Promise.all(
      Array.from({ length: 6 }, () => t.app.ctx.jobs.runNow(POLL_JOB, { prescriptionId: rx.id })),
    );
    expect((await rowOf(t, rx.id)).state).toBe('dispensed');
    expect(await messagesOf(t, p.accountId, 'prescription.dispensed')).toBe(1);
    const events = await t.app.ctx.database.raw.query<{ n: string }>(
      'SELECT count(*) AS n FROM prescription_events WHERE prescription_id = $1 AND kind = $2',
      [rx.id, 'dispensed'],
    );
    expect(Number(events.rows[0].n)).toBe(1);
  });
});
