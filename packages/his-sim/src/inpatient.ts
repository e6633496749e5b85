import { DIAGNOSES, WARD_DAILY, WARDS } from './catalogue.js';
import { pick, rngFor } from './random.js';
import type { SimRuntime } from './runtime.js';
import type { SimAdmission, SimPatient } from './types.js';

// The wards: admission, a charge list per simulated day, discharge, and the billing office's
// reversal of a discharge settlement (撤销出院结算).

export function wards(sim: SimRuntime) {
  const { seed, timings, stayDays, state, seq, now, log, later, push, dateOf } = sim;

  /** Admission, then a charge list per simulated day, then discharge after `stayDays`. */
  async function admit(patient: SimPatient): Promise<SimAdmission> {
    const n = ++seq.admission;
    const r = rngFor(seed, `admission:${n}`);
    const admittedAt = now();
    const admissionNo = `ZY${dateOf(admittedAt).replace(/-/g, '')}${String(n).padStart(4, '0')}`;
    const a: SimAdmission = {
      admissionNo,
      patient,
      ward: pick(r, WARDS),
      admittedAt: admittedAt.toISOString(),
      days: 0,
      totalFen: 0,
      discharged: false,
      reversals: [],
    };
    const diagnosis = pick(r, DIAGNOSES);
    await push('/api/integration/v1/his/admissions', {
      admissionNo,
      name: patient.name,
      ...(patient.idNumber ? { idNumber: patient.idNumber } : {}),
      ...(patient.visitCardNo ? { visitCardNo: patient.visitCardNo } : {}),
      ward: a.ward,
      bed: `${10 + Math.floor(r() * 30)}床`,
      attendingDoctor: pick(r, ['王建国', '刘芳', '陈明', '赵丽华']),
      diagnoses: [diagnosis],
      admittedAt: a.admittedAt,
    });
    state.admissions.set(admissionNo, a);
    log('patient admitted', { admissionNo, ward: a.ward });
    if (timings.dayMs !== null) later(timings.dayMs, `day 1 of ${admissionNo}`, () => nextDay(admissionNo));
    return a;
  }

  /** Pushes the charges of the admission's next day; after `stayDays` days, discharges instead. */
  async function nextDay(admissionNo: string) {
    const a = state.admissions.get(admissionNo);
    if (!a) throw new Error(`unknown admission ${admissionNo}`);
    if (a.discharged) return;
    if (a.days >= stayDays) return discharge(a);
    const r = rngFor(seed, `${admissionNo}:day:${a.days + 1}`);
    const dayIndex = a.days;
    const date = dateOf(new Date(Date.parse(a.admittedAt) + dayIndex * 86_400_000));
    const lines = WARD_DAILY.filter((c, i) => i < 3 || r() < 0.6).map((c) => {
      const quantity = c.category === '西药费' ? 1 + Math.floor(r() * 2) : 1;
      return {
        lineId: `${admissionNo}-D${dayIndex + 1}-${c.code}`,
        date,
        itemCode: c.code,
        itemName: c.name,
        category: c.category,
        quantity,
        unit: c.unit,
        amountFen: quantity * c.priceFen,
      };
    });
    await push(`/api/integration/v1/his/admissions/${admissionNo}/charges`, { lines });
    a.days++;
    a.totalFen += lines.reduce((sum, l) => sum + l.amountFen, 0);
    log('inpatient day charged', { admissionNo, day: a.days });
    if (timings.dayMs === null) return;
    if (a.days < stayDays)
      later(timings.dayMs, `day ${a.days + 1} of ${admissionNo}`, () => nextDay(admissionNo));
    else later(timings.dayMs / 2, `discharge of ${admissionNo}`, () => nextDay(admissionNo));
  }

  async function discharge(a: SimAdmission) {
    await push(`/api/integration/v1/his/admissions/${a.admissionNo}/discharge`, {
      dischargedAt: now().toISOString(),
      totalCostFen: a.totalFen,
    });
    a.discharged = true;
    log('patient discharged', { admissionNo: a.admissionNo, totalFen: a.totalFen });
  }

  async function reverseDischarge(admissionNo: string, opts: { reason?: string; reversalNo?: string } = {}) {
    const a = state.admissions.get(admissionNo);
    if (!a) throw new Error(`unknown admission ${admissionNo}`);
    const reversalNo = opts.reversalNo ?? `CX${admissionNo}-${a.reversals.length + 1}`;
    const reason = opts.reason || '结算有误，撤销出院结算';
    const reply = await push(
      `/api/integration/v1/his/admissions/${encodeURIComponent(admissionNo)}/settlement-reversal`,
      { reversalNo, reason },
    );
    if (!a.reversals.some((x) => x.reversalNo === reversalNo))
      a.reversals.push({ reversalNo, reason, at: now().toISOString() });
    a.discharged = false;
    log('discharge settlement reversed', { admissionNo, reversalNo });
    return { reversalNo, reply };
  }

  return { admit, nextDay, reverseDischarge };
}
