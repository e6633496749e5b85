import { expect } from 'vitest';
import { eq } from 'drizzle-orm';
import { openChannel, type SignedCall } from '../../testing/channels.js';
import type { TestApp } from '../../testing/harness.js';
import { getPatientById } from '../identity/index.js';
import { newPatient } from '../registration/testing.js';
import { prescriptions } from './schema.js';
import { UPLOAD_JOB } from './service.js';

/** A signed call as the HIS makes it: `(path, body) => response`. */
export type HisCall = SignedCall;

/** Opens an HIS channel allowed to push prescriptions and returns a caller that signs as it. */
export const openPrescriptionChannel = (t: TestApp): Promise<HisCall> =>
  openChannel(t, ['his.visits.push', 'his.prescriptions.push']);

/** A verified patient ("self") with a visit card, as the HIS knows them. */
export async function cardHolder(t: TestApp) {
  const p = await newPatient(t);
  const card = await t.api.post(`/api/v1/patients/${p.patientId}/visit-card`, { token: p.token, body: {} });
  expect(card.status, JSON.stringify(card.body)).toBe(200);
  const rec = await getPatientById(t.app.ctx, p.patientId);
  return { ...p, name: rec.name, idNumber: rec.idNumber, visitCardNo: rec.visitCardNo! };
}
export type Holder = Awaited<ReturnType<typeof cardHolder>>;

export const metformin = {
  drugCode: 'YA0001',
  name: '二甲双胍缓释片',
  spec: '0.5g*30片',
  dosageForm: '片剂',
  quantity: 2,
  unit: '盒',
  unitPriceFen: 2350,
  dose: '0.5g',
  frequency: '每日两次',
  route: '口服',
  days: 30,
  dualChannel: false,
};
/** a 双通道 drug (targeted oncology drug) */
export const osimertinib = {
  drugCode: 'YB0421',
  name: '甲磺酸奥希替尼片',
  spec: '80mg*30片',
  quantity: 1,
  unit: '盒',
  unitPriceFen: 1_512_000,
  dualChannel: true,
};

let seq = 0;

/** A prescription as the HIS pushes it for this patient (metformin, ordinary, 3 days). */
export function rxBody(t: TestApp, p: Holder, over: Record<string, unknown> = {}) {
  seq += 1;
  return {
    // the wall clock only makes the HIS prescription number unique across runs; not business time
    hisRxNo: `RX${Date.now()}${seq}`,
    visitNo: `MZ${seq}`,
    visitCardNo: p.visitCardNo,
    patientName: p.name,
    doctor: { code: 'D001', name: '李医生', insuranceDoctorCode: 'D330100000001' },
    department: { code: 'NK', name: '内分泌科' },
    issuedAt: t.clock.now().toISOString(),
    kind: 'ordinary',
    diagnoses: [{ code: 'E11.900', name: '2型糖尿病' }],
    items: [metformin],
    ...over,
  };
}

/** Pushes a prescription and runs its upload: it is circulating. */
export async function circulating(t: TestApp, his: HisCall, p: Holder, over: Record<string, unknown> = {}) {
  const body = rxBody(t, p, over);
  const pushed = await his('/api/integration/v1/prescriptions', body);
  expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
  await t.app.ctx.jobs.runNow(UPLOAD_JOB, { prescriptionId: pushed.body.id });
  const detail = await t.api.get(`/api/v1/prescriptions/${pushed.body.id}`, { token: p.token });
  expect(detail.body.state, JSON.stringify(detail.body)).toBe('circulating');
  return { id: pushed.body.id as string, hisRxNo: body.hisRxNo, hiRxNo: detail.body.hiRxNo as string, body };
}

export async function rowOf(t: TestApp, id: string) {
  const [r] = await t.app.ctx.db.select().from(prescriptions).where(eq(prescriptions.id, id));
  return r;
}
