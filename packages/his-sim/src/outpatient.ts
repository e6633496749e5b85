import { IMAGING, LAB, LAB_PANELS, DRUGS, PHARMACY } from './catalogue.js';
import { pick, pickSome, rngFor } from './random.js';
import { patientRef, type SimRuntime } from './runtime.js';
import type { BillKind, SimAdmission, SimBill, SimPatient, SimVisit } from './types.js';
import type { PrescriptionDesk } from './prescriptions.js';

// The outpatient clinic: a check-in opens a visit whose doctor places orders (drugs, lab tests,
// maybe imaging); the pharmacy dispenses and the lab or exam room performs the paid ones.

export function outpatientClinic(
  sim: SimRuntime,
  deps: {
    prescriptions: PrescriptionDesk;
    admit: (patient: SimPatient) => Promise<SimAdmission>;
    publishReport: (b: SimBill) => Promise<void>;
  },
) {
  const {
    seed,
    timings,
    admissionRate,
    prescriptionRate,
    state,
    events,
    seq,
    now,
    log,
    later,
    push,
    dateOf,
  } = sim;
  const { planPrescription, pushPrescription } = deps.prescriptions;
  const { admit, publishReport } = deps;

  /** After a check-in: open the visit and place the doctor's orders (drugs, lab tests, maybe imaging). */
  function openVisit(ev: any): string {
    const n = ++seq.visit;
    const r = rngFor(seed, `visit:${n}`);
    const visitDate = ev.registration?.clinicDate ?? dateOf(now());
    const visitNo = `MZ${visitDate.replace(/-/g, '')}${String(n).padStart(5, '0')}`;
    events.set(ev.eventId, { visitNo });
    const patient: SimPatient = {
      name: ev.patient.name,
      idNumber: ev.patient.idNumber ?? undefined,
      visitCardNo: ev.patient.visitCardNo ?? null,
      gender: ev.patient.gender,
      ...(ev.patient.birthDate ? { birthDate: ev.patient.birthDate } : {}),
    };
    const visit: SimVisit = {
      visitNo,
      registrationId: ev.registration?.id,
      visitDate,
      patient,
      department: ev.department?.name ?? null,
      doctor: ev.doctor?.name ?? null,
      billNos: [],
    };
    state.visits.set(visitNo, visit);
    const bills = planOrders(r, visitNo);
    // a separate sequence, so that turning prescriptions on leaves the other orders as they were
    const rxRandom = rngFor(seed, `prescription:${visitNo}`);
    const insured = !!(patient.idNumber && patient.visitCardNo);
    const rx = insured && rxRandom() < prescriptionRate ? planPrescription(rxRandom, visit, ev) : undefined;
    later(timings.orderMs, `visit ${visitNo}`, async () => {
      await push('/api/integration/v1/his/visits', {
        visitNo,
        visitDate,
        ...(visit.department ? { departmentName: visit.department.slice(0, 50) } : {}),
        ...(visit.doctor ? { doctorName: visit.doctor.slice(0, 50) } : {}),
        patient: patientRef(patient),
      });
      for (const b of bills) {
        state.bills.set(b.billNo, b);
        visit.billNos.push(b.billNo);
      }
      await push('/api/integration/v1/his/bills', {
        visitNo,
        bills: bills.map((b) => ({
          billNo: b.billNo,
          kind: b.kind,
          title: b.title,
          execDepartment: b.execDepartment,
          execLocation: b.execLocation,
          billedAt: now().toISOString(),
          items: b.items,
        })),
      });
      log('visit opened with orders', { visitNo, bills: bills.length });
      if (rx) later(0, `e-prescription ${rx.body.hisRxNo}`, () => pushPrescription(rx));
    });
    if (r() < admissionRate)
      later(timings.admitMs, `admission after ${visitNo}`, async () => void (await admit(patient)));
    return visitNo;
  }

  function planOrders(r: () => number, visitNo: string): SimBill[] {
    const out: SimBill[] = [];
    const drugs = pickSome(r, DRUGS, 1, 3);
    const drugItems = drugs.map((d) => {
      const quantity = 1 + Math.floor(r() * 2);
      return {
        code: d.code,
        name: d.name,
        spec: d.spec,
        unit: d.unit,
        quantity,
        unitPriceFen: d.priceFen,
        amountFen: quantity * d.priceFen,
      };
    });
    out.push(
      bill(visitNo, 'CF1', 'prescription', '西药处方', PHARMACY.department, PHARMACY.location, drugItems),
    );
    const panels = pickSome(r, LAB_PANELS, 1, 3);
    const lab = bill(
      visitNo,
      'JY1',
      'lab',
      '检验申请单',
      LAB.department,
      LAB.location,
      panels.map((p) => ({
        code: p.code,
        name: p.name,
        unit: '项',
        quantity: 1,
        unitPriceFen: p.priceFen,
        amountFen: p.priceFen,
      })),
    );
    lab.panels = panels.map((p) => p.code);
    out.push(lab);
    if (r() < 0.5) {
      const ex = pick(r, IMAGING);
      const exam = bill(visitNo, 'JC1', 'exam', '检查申请单', ex.department, ex.location, [
        {
          code: ex.code,
          name: ex.name,
          unit: '次',
          quantity: 1,
          unitPriceFen: ex.priceFen,
          amountFen: ex.priceFen,
        },
      ]);
      exam.examCode = ex.code;
      out.push(exam);
    }
    return out;
  }

  function bill(
    visitNo: string,
    suffix: string,
    kind: BillKind,
    title: string,
    execDepartment: string,
    execLocation: string,
    items: SimBill['items'],
  ): SimBill {
    return {
      billNo: `${visitNo}-${suffix}`,
      visitNo,
      kind,
      title,
      amountFen: items.reduce((s, i) => s + i.amountFen, 0),
      execDepartment,
      execLocation,
      items,
      state: 'ordered',
      execution: 'none',
    };
  }

  /** The pharmacy dispenses, or the lab/exam room performs, a paid bill. */
  async function execute(billNo: string) {
    const b = state.bills.get(billNo);
    if (!b) throw new Error(`unknown bill ${billNo}`);
    if (b.state !== 'paid' || b.execution !== 'none') return;
    const status = b.kind === 'prescription' ? 'dispensed' : 'performed';
    b.execution = status; // from now on the HIS refuses to cancel it
    await push(`/api/integration/v1/his/bills/${encodeURIComponent(billNo)}/execution`, {
      status,
      executedAt: now().toISOString(),
    });
    log('bill executed', { billNo, status });
    if (b.hisRxNo) {
      // the hospital pharmacy dispensed an insurance e-prescription: the platform closes it
      await push(`/api/integration/v1/prescriptions/${encodeURIComponent(b.hisRxNo)}/dispensed`, {});
      const rx = state.prescriptions.get(b.hisRxNo);
      if (rx) {
        rx.state = 'dispensed';
        rx.dispensedBy = PHARMACY.department;
      }
    }
    if (b.kind !== 'prescription' && !b.foreign)
      later(timings.reportMs, `report of ${billNo}`, () => publishReport(b));
  }

  return { openVisit, execute };
}
