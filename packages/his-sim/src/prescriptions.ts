import { PHARMACY, RX_PLANS } from './catalogue.js';
import { pick, pickSome } from './random.js';
import { digitsOf, patientRef, type SimRuntime } from './runtime.js';
import type { SimBill, SimPatient, SimPrescription, SimVisit } from './types.js';

// Insurance e-prescriptions (医保电子处方): signed at a visit, revoked by the doctor, or filled at
// the hospital pharmacy, which bills them like any outpatient bill.

export type PrescriptionDesk = ReturnType<typeof prescriptionDesk>;

export function prescriptionDesk(sim: SimRuntime) {
  const { state, seq, now, log, push, dateOf } = sim;

  type PlannedPrescription = { sim: SimPrescription; body: Record<string, unknown> };

  /** The insurance e-prescription the doctor signs at the visit: a chronic disease's, or a targeted drug's. */
  function planPrescription(r: () => number, visit: SimVisit, ev: any): PlannedPrescription {
    const plan = pick(r, RX_PLANS);
    const drugs = pickSome(r, plan.drugs, 1, Math.min(3, plan.drugs.length));
    const items = drugs.map((d) => {
      const days = d.dualChannel && d.priceFen > 100_000 ? 30 : pick(r, [14, 28, 30]);
      return {
        drugCode: d.code,
        name: d.name,
        spec: d.spec,
        dosageForm: d.dosageForm,
        quantity: d.priceFen > 100_000 ? 1 : 1 + Math.floor(r() * 3),
        unit: d.unit,
        unitPriceFen: d.priceFen,
        dose: d.dose,
        frequency: d.frequency,
        route: d.route,
        days,
        dualChannel: d.dualChannel,
      };
    });
    const hisRxNo = `${visit.visitNo}-YB1`;
    const doctorCode = String(ev.doctor?.id ?? 'DOC0001');
    const kind = plan.specialDisease ? ('special_disease' as const) : ('ordinary' as const);
    const body = {
      hisRxNo,
      visitNo: visit.visitNo,
      visitCardNo: visit.patient.visitCardNo,
      patientName: visit.patient.name,
      doctor: {
        code: doctorCode,
        name: (visit.doctor ?? '门诊医生').slice(0, 50),
        // 医保医师代码: D + 12 digits, stable per doctor
        insuranceDoctorCode: `D${digitsOf(doctorCode, 12)}`,
      },
      department: {
        code: String(ev.department?.id ?? 'DEPT0001'),
        name: (visit.department ?? '门诊').slice(0, 50),
      },
      issuedAt: now().toISOString(),
      // long prescriptions of 门诊慢特病 stay open a week, others the usual three days
      validDays: kind === 'special_disease' ? 7 : 3,
      kind,
      ...(plan.specialDisease ? { specialDisease: plan.specialDisease } : {}),
      diagnoses: plan.diagnoses,
      items,
      reviewedBy: pick(r, ['李娟', '孙海燕', '周强']),
    };
    const sim: SimPrescription = {
      hisRxNo,
      visitNo: visit.visitNo,
      patient: visit.patient,
      kind,
      ...(plan.specialDisease ? { specialDisease: plan.specialDisease } : {}),
      items: items.map((i) => ({
        drugCode: i.drugCode,
        name: i.name,
        quantity: i.quantity,
        unitPriceFen: i.unitPriceFen,
        dualChannel: i.dualChannel,
      })),
      totalFen: items.reduce((sum, i) => sum + i.quantity * i.unitPriceFen, 0),
      state: 'issued',
    };
    return { sim, body };
  }

  async function pushPrescription(rx: PlannedPrescription) {
    state.prescriptions.set(rx.sim.hisRxNo, rx.sim);
    await push('/api/integration/v1/prescriptions', rx.body);
    log('e-prescription pushed', { hisRxNo: rx.sim.hisRxNo, kind: rx.sim.kind });
  }

  async function revokePrescription(hisRxNo: string, reason: string) {
    const rx = state.prescriptions.get(hisRxNo);
    if (!rx) throw new Error(`unknown prescription ${hisRxNo}`);
    await push(`/api/integration/v1/prescriptions/${encodeURIComponent(hisRxNo)}/revoke`, { reason });
    rx.state = 'revoked';
  }

  /**
   * The patient chose the hospital pharmacy: the HIS bills the prescription's drugs through the
   * normal bill push (paid like any outpatient bill); dispensing it tells the platform.
   */
  async function billPrescription(ref: any, patient: SimPatient, billNo: string) {
    if (state.bills.has(billNo)) return;
    const own = state.prescriptions.get(ref.hisRxNo);
    let visitNo: string | null = ref.visitNo ?? own?.visitNo ?? null;
    if (!visitNo) {
      // a prescription without a visit of ours: the pharmacy opens one to bill it
      const n = ++seq.visit;
      const visitDate = dateOf(now());
      visitNo = `MZ${visitDate.replace(/-/g, '')}${String(n).padStart(5, '0')}`;
      await push('/api/integration/v1/his/visits', {
        visitNo,
        visitDate,
        departmentName: PHARMACY.department,
        patient: patientRef(patient),
      });
      state.visits.set(visitNo, {
        visitNo,
        registrationId: '',
        visitDate,
        patient,
        department: PHARMACY.department,
        doctor: null,
        billNos: [],
      });
    }
    const items: SimBill['items'] = ref.items.map((i: any) => ({
      code: i.drugCode,
      name: i.name,
      spec: i.spec,
      unit: i.unit,
      quantity: i.quantity,
      unitPriceFen: Math.round(i.amountFen / i.quantity),
      amountFen: i.amountFen,
    }));
    const b: SimBill = {
      billNo,
      visitNo,
      kind: 'prescription',
      title: '医保电子处方（院内取药）',
      amountFen: items.reduce((sum, i) => sum + i.amountFen, 0),
      execDepartment: PHARMACY.department,
      execLocation: PHARMACY.location,
      items,
      state: 'ordered',
      execution: 'none',
      hisRxNo: ref.hisRxNo,
    };
    await push('/api/integration/v1/his/bills', {
      visitNo,
      bills: [
        {
          billNo,
          kind: b.kind,
          title: b.title,
          execDepartment: b.execDepartment,
          execLocation: b.execLocation,
          billedAt: now().toISOString(),
          items,
        },
      ],
    });
    state.bills.set(billNo, b);
    state.visits.get(visitNo)?.billNos.push(billNo);
    const rx: SimPrescription = own ?? {
      hisRxNo: ref.hisRxNo,
      visitNo,
      patient,
      kind: 'ordinary',
      items: ref.items.map((i: any) => ({
        drugCode: i.drugCode,
        name: i.name,
        quantity: i.quantity,
        unitPriceFen: Math.round(i.amountFen / i.quantity),
        dualChannel: false,
      })),
      totalFen: b.amountFen,
      state: 'issued',
    };
    rx.state = 'at_hospital';
    rx.billNo = billNo;
    state.prescriptions.set(rx.hisRxNo, rx);
    log('e-prescription billed at the hospital pharmacy', { hisRxNo: rx.hisRxNo, billNo });
  }

  return { planPrescription, pushPrescription, revokePrescription, billPrescription };
}
