import type { IncomingMessage } from 'node:http';
import { sameSignature, sign } from './signing.js';
import { busy, refuse, type Answer, type SimRuntime } from './runtime.js';
import { DEFAULT_PLATFORM_SECRET, type SimBill, type SimPatient, type SimPatientFile } from './types.js';

// The platform's calls to the HIS (the contract in docs/api.md): bill write-backs and refunds,
// registration cancellations, events, patient-information queries, inpatient deposits and
// settlements; each verified by the platform's signature.

export function platformCalls(
  sim: SimRuntime,
  deps: {
    openVisit: (ev: any) => string;
    execute: (billNo: string) => Promise<void>;
    billPrescription: (ref: any, patient: SimPatient, billNo: string) => Promise<void>;
    fileOf: (p: any, platformPatientId: string | null) => SimPatientFile | undefined;
  },
) {
  const { opts, timings, adoptUnknownBills, state, events, faults, seq, now, log, later, dateOf } = sim;
  const { openVisit, execute, billPrescription, fileOf } = deps;
  const platformSecret = opts.platformSecret === undefined ? DEFAULT_PLATFORM_SECRET : opts.platformSecret;
  const platformAppId = opts.platformAppId ?? 'qingnang';
  const seenNonces = new Map<string, number>();
  /** a bill another channel pushed to the platform, taken as the simulator's own (adoptUnknownBills) */
  const adopt = (billNo: string, amountFen: number): SimBill => {
    const b: SimBill = {
      billNo,
      visitNo: '',
      kind: 'prescription',
      title: '外部单据',
      amountFen,
      execDepartment: '',
      execLocation: '',
      items: [],
      state: 'ordered',
      execution: 'none',
      foreign: true,
    };
    state.bills.set(billNo, b);
    return b;
  };

  const handlers: Record<string, (b: any) => Answer> = {
    '/qingnang/v1/bill-writebacks': (b) => {
      if (faults.writeBackFailures > 0) {
        faults.writeBackFailures--;
        return busy();
      }
      const done = state.writeBacks.get(b.orderNo);
      if (done) return { status: 200, body: { receiptNo: done.receiptNo } };
      const rows: SimBill[] = [];
      for (const ref of b.bills ?? []) {
        let row = state.bills.get(ref.billNo);
        if (!row && adoptUnknownBills) row = adopt(ref.billNo, ref.amountFen);
        if (!row) return refuse(409, 'BILL_UNKNOWN', `unknown bill ${ref.billNo}`);
        if (row.amountFen !== ref.amountFen)
          return refuse(409, 'AMOUNT_MISMATCH', `amount of ${ref.billNo} differs`);
        if (row.state !== 'ordered')
          return refuse(409, 'BILL_NOT_PAYABLE', `bill ${ref.billNo} is ${row.state}`);
        rows.push(row);
      }
      const receiptNo = `SF${dateOf(now()).replace(/-/g, '')}${String(++seq.receipt).padStart(6, '0')}`;
      for (const row of rows) {
        row.state = 'paid';
        row.orderNo = b.orderNo;
        row.receiptNo = receiptNo;
        const ms = row.kind === 'prescription' ? timings.dispenseMs : timings.performMs;
        if (ms !== null && !row.foreign) later(ms, `execution of ${row.billNo}`, () => execute(row.billNo));
      }
      state.writeBacks.set(b.orderNo, {
        receiptNo,
        billNos: rows.map((r) => r.billNo),
        amountFen: b.amountFen,
      });
      log('write-back taken', { orderNo: b.orderNo, receiptNo });
      return { status: 200, body: { receiptNo } };
    },
    '/qingnang/v1/bill-refunds': (b) => {
      if (faults.refundFailures > 0) {
        faults.refundFailures--;
        return busy();
      }
      if (state.refunds.has(b.refundKey)) return { status: 200, body: { ok: true } };
      const rows = (b.bills ?? []).map(
        (ref: any) =>
          state.bills.get(ref.billNo) ?? (adoptUnknownBills ? adopt(ref.billNo, ref.amountFen) : undefined),
      );
      if (rows.some((r: SimBill | undefined) => !r)) return refuse(409, 'BILL_UNKNOWN', 'unknown bill');
      const executed = rows.find((r: SimBill) => r.execution !== 'none');
      if (executed) return refuse(409, 'BILL_EXECUTED', `bill ${executed.billNo} was ${executed.execution}`);
      for (const r of rows as SimBill[]) r.state = 'refunded';
      state.refunds.set(b.refundKey, {
        orderNo: b.orderNo,
        billNos: rows.map((r: SimBill) => r.billNo),
        amountFen: b.amountFen,
      });
      return { status: 200, body: { ok: true } };
    },
    '/qingnang/v1/registration-cancellations': (b) => {
      state.cancellations.set(b.registrationId, { orderNo: b.orderNo ?? null, amountFen: b.amountFen });
      const reg = state.registrations.get(b.registrationId);
      if (reg) reg.cancelled = true;
      return { status: 200, body: { ok: true } };
    },
    '/qingnang/v1/events': (b) => {
      if (faults.eventFailures > 0) {
        faults.eventFailures--;
        return busy();
      }
      if (typeof b.eventId !== 'string' || typeof b.type !== 'string')
        return refuse(400, 'EVENT_INVALID', 'eventId and type are required');
      // filing is idempotent by card, so a binding sent again (after the HIS lost it) files it again
      if (b.type === 'visit_card.bound') {
        const file = fileOf(b.patient, typeof b.patient?.id === 'string' ? b.patient.id : null);
        if (!file) return refuse(400, 'EVENT_INVALID', 'patient with name and visitCardNo is required');
        events.set(b.eventId, { hisPatientId: file.hisPatientId });
        log('visit card bound', { hisPatientId: file.hisPatientId });
        return { status: 200, body: { accepted: true, hisPatientId: file.hisPatientId } };
      }
      const seen = events.get(b.eventId);
      if (seen) return { status: 200, body: { accepted: true, ...seen } };
      if (b.type === 'registration.checked_in') {
        if (!b.patient?.name) return refuse(400, 'EVENT_INVALID', 'patient is required');
        const file = fileOf(b.patient, null);
        if (file) file.lastVisitOn = b.registration?.clinicDate ?? dateOf(now());
        const visitNo = openVisit(b);
        return { status: 200, body: { accepted: true, visitNo } };
      }
      if (b.type === 'prescription.fill_at_hospital') {
        const ref = b.prescription;
        if (!ref?.hisRxNo || !Array.isArray(ref.items) || !ref.items.length || !b.patient?.name)
          return refuse(400, 'EVENT_INVALID', 'prescription with items and patient are required');
        const billNo = `${ref.hisRxNo}-YF`;
        const patient: SimPatient = {
          name: b.patient.name,
          idNumber: b.patient.idNumber ?? undefined,
          visitCardNo: b.patient.visitCardNo ?? null,
          gender: b.patient.gender,
        };
        events.set(b.eventId, { billNo });
        later(timings.orderMs, `pharmacy bill of ${ref.hisRxNo}`, () =>
          billPrescription(ref, patient, billNo),
        );
        return { status: 200, body: { accepted: true, billNo } };
      }
      if (b.type === 'prescription.dispensed') {
        const rx = b.prescription?.hisRxNo ? state.prescriptions.get(b.prescription.hisRxNo) : undefined;
        if (rx) {
          rx.state = 'dispensed';
          rx.dispensedBy = b.dispensed?.pharmacyName ?? 'retail pharmacy';
        }
      }
      if (b.type === 'registration.paid' && b.registration?.id && b.patient?.name)
        state.registrations.set(b.registration.id, {
          patient: {
            name: b.patient.name,
            idNumber: b.patient.idNumber,
            visitCardNo: b.patient.visitCardNo ?? null,
          },
          clinicDate: b.registration.clinicDate,
          department: b.department?.name ?? null,
          orderNo: b.registration.orderNo ?? null,
          cancelled: state.cancellations.has(b.registration.id),
        });
      events.set(b.eventId, {});
      return { status: 200, body: { accepted: true } };
    },
    '/qingnang/v1/patients/query': (b) => {
      if (faults.patientInfoFailures > 0) {
        faults.patientInfoFailures--;
        return busy();
      }
      if (typeof b.visitCardNo !== 'string' || !b.visitCardNo)
        return refuse(400, 'QUERY_INVALID', 'visitCardNo is required');
      const file = state.patients.get(b.visitCardNo.toUpperCase());
      if (!file) return refuse(404, 'CARD_UNKNOWN', 'no patient file for this card');
      const { platformPatientId: _platform, ...answer } = file;
      return { status: 200, body: answer };
    },
    '/qingnang/v1/inpatient/deposits': (b) => {
      const seen = state.deposits.get(b.depositId);
      if (seen) return { status: 200, body: { hisReceiptNo: seen.hisReceiptNo } };
      const hisReceiptNo = `YJ${String(state.deposits.size + 1).padStart(8, '0')}`;
      state.deposits.set(b.depositId, { admissionNo: b.admissionNo, amountFen: b.amountFen, hisReceiptNo });
      return { status: 200, body: { hisReceiptNo } };
    },
    '/qingnang/v1/inpatient/settlements': (b) => {
      state.settlements.push({ admissionNo: b.admissionNo, kind: b.kind, amountFen: b.amountFen });
      return { status: 200, body: { ok: true } };
    },
  };

  function verify(req: IncomingMessage, raw: string): Answer | undefined {
    if (platformSecret === null) return undefined;
    const h = (n: string) => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : '');
    const [appId, ts, nonce, signature] = [
      'x-qn-app-id',
      'x-qn-timestamp',
      'x-qn-nonce',
      'x-qn-signature',
    ].map(h);
    if (!appId || !ts || !nonce || !signature)
      return refuse(401, 'SIGNATURE_MISSING', 'signed headers required');
    if (appId !== platformAppId) return refuse(401, 'APP_UNKNOWN', 'unknown app id');
    const platformNow = (opts.platformClock ?? now)().getTime();
    if (Math.abs(platformNow / 1000 - Number(ts)) > 300)
      return refuse(401, 'TIMESTAMP_STALE', 'timestamp out of range');
    if (!sameSignature(sign(platformSecret, req.method ?? 'POST', req.url ?? '', ts, nonce, raw), signature))
      return refuse(401, 'SIGNATURE_INVALID', 'signature does not match');
    // the replay cache is the simulator's own bookkeeping, kept for ten minutes of its process's time
    const cutoff = Date.now() - 600_000;
    for (const [k, at] of seenNonces) if (at < cutoff) seenNonces.delete(k);
    if (seenNonces.has(nonce)) return refuse(401, 'NONCE_REPLAYED', 'nonce already used');
    seenNonces.set(nonce, Date.now());
    return undefined;
  }

  return { handlers, verify };
}
