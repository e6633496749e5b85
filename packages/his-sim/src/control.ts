import type { IncomingMessage } from 'node:http';
import { PushRefused, refuse, safeJson, type Answer, type SimRuntime } from './runtime.js';
import type { SimAdmission, SimPatient } from './types.js';

// The simulator's own control endpoints (/sim/...): its state, fault injection, and what a
// hospital's staff would do by hand (execute a bill, revoke a prescription, admit, reverse a discharge).

export function controlDesk(
  sim: SimRuntime,
  deps: {
    execute: (billNo: string) => Promise<void>;
    revokePrescription: (hisRxNo: string, reason: string) => Promise<void>;
    admit: (patient: SimPatient) => Promise<SimAdmission>;
    reverseDischarge: (
      admissionNo: string,
      opts?: { reason?: string; reversalNo?: string },
    ) => Promise<{ reversalNo: string; reply: any }>;
  },
) {
  const { state, faults, link, work } = sim;
  const { execute, revokePrescription, admit, reverseDischarge } = deps;

  const summary = () => ({
    connected: !!(link.platformUrl && link.channel),
    visits: state.visits.size,
    bills: state.bills.size,
    writeBacks: state.writeBacks.size,
    refunds: state.refunds.size,
    cancellations: state.cancellations.size,
    registrations: state.registrations.size,
    admissions: [...state.admissions.values()].map((a) => ({
      admissionNo: a.admissionNo,
      days: a.days,
      discharged: a.discharged,
      reversals: a.reversals.length,
    })),
    reports: state.reports.size,
    prescriptions: state.prescriptions.size,
    patients: state.patients.size,
    deposits: state.deposits.size,
    pendingWork: work.pending,
    faults,
    errors: state.errors.slice(-20),
  });

  async function control(req: IncomingMessage, raw: string, path: string): Promise<Answer> {
    if (req.method === 'GET' && (path === '/sim/state' || path === '/health'))
      return { status: 200, body: summary() };
    if (req.method !== 'POST') return refuse(405, 'METHOD_NOT_ALLOWED', 'POST only');
    const b = (raw ? safeJson(raw) : {}) ?? {};
    if (path === '/sim/faults') {
      for (const k of Object.keys(faults) as (keyof typeof faults)[])
        if (typeof b[k] === 'number' && b[k] >= 0) faults[k] = b[k];
      return { status: 200, body: { faults } };
    }
    const m = /^\/sim\/bills\/([\w.:-]+)\/execute$/.exec(path);
    if (m) {
      await execute(m[1]);
      return { status: 200, body: { bill: state.bills.get(m[1]) ?? null } };
    }
    const revoke = /^\/sim\/prescriptions\/([\w.:-]+)\/revoke$/.exec(path);
    if (revoke) {
      if (!state.prescriptions.has(revoke[1]))
        return refuse(404, 'PRESCRIPTION_UNKNOWN', 'no such prescription');
      await revokePrescription(revoke[1], typeof b.reason === 'string' && b.reason ? b.reason : '医生撤销');
      return { status: 200, body: { prescription: state.prescriptions.get(revoke[1]) ?? null } };
    }
    const reversal = /^\/sim\/admissions\/([\w.:-]+)\/reverse-discharge$/.exec(path);
    if (reversal) {
      const a = state.admissions.get(reversal[1]);
      if (!a) return refuse(404, 'ADMISSION_UNKNOWN', 'no such admission');
      if (!a.discharged && !(typeof b.reversalNo === 'string' && b.reversalNo))
        return refuse(409, 'ADMISSION_NOT_DISCHARGED', 'the patient has not been discharged');
      try {
        const done = await reverseDischarge(reversal[1], {
          reason: typeof b.reason === 'string' ? b.reason : undefined,
          reversalNo: typeof b.reversalNo === 'string' && b.reversalNo ? b.reversalNo : undefined,
        });
        return { status: 200, body: { admissionNo: a.admissionNo, ...done } };
      } catch (err) {
        if (err instanceof PushRefused)
          return { status: err.status, body: (err.body ?? {}) as Record<string, unknown> };
        throw err;
      }
    }
    if (path === '/sim/admissions') {
      if (!b?.name) return refuse(400, 'PATIENT_REQUIRED', 'name and idNumber or visitCardNo');
      const a = await admit({ name: b.name, idNumber: b.idNumber, visitCardNo: b.visitCardNo });
      return { status: 201, body: { admissionNo: a.admissionNo } };
    }
    return refuse(404, 'NOT_FOUND', 'no such path');
  }

  return { summary, control };
}
