import { IMAGING, LAB, LAB_PANELS, subjectOf, type LabPanel } from './catalogue.js';
import { observe, pick, rngFor } from './random.js';
import { patientRef, type SimRuntime } from './runtime.js';
import type { SimBill } from './types.js';

// Reports: the LIS publishes a performed lab test's results, the PACS an exam's conclusion.

export function reportDesk(sim: SimRuntime) {
  const { seed, abnormalRate, state, seq, now, log, push } = sim;

  async function publishReport(b: SimBill) {
    const visit = state.visits.get(b.visitNo)!;
    const r = rngFor(seed, `report:${b.billNo}`);
    const reportedAt = now().toISOString();
    if (b.kind === 'lab') {
      const panels = (b.panels ?? [])
        .map((c) => LAB_PANELS.find((p) => p.code === c))
        .filter(Boolean) as LabPanel[];
      // the ranges (and so the flags) of the patient's sex and age
      const who = subjectOf(visit.patient, now());
      const observations = panels.flatMap((p) =>
        p.indicators.map((ind) => {
          const o = observe(r, ind, abnormalRate, who);
          return {
            code: ind.code,
            name: ind.name,
            value: o.value,
            ...('unit' in o && o.unit ? { unit: o.unit } : {}),
            ...('refLow' in o && o.refLow !== undefined ? { refLow: o.refLow } : {}),
            ...('refHigh' in o && o.refHigh !== undefined ? { refHigh: o.refHigh } : {}),
            ...('refText' in o ? { refText: o.refText } : {}),
            flag: o.flag,
            section: p.name,
          };
        }),
      );
      const reportNo = `LIS-${b.billNo}`;
      const title = panels.map((p) => p.name).join(' + ') || '检验报告';
      await push('/api/integration/v1/his/lis/reports', {
        reportNo,
        kind: 'lab',
        patient: patientRef(visit.patient),
        title: title.slice(0, 100),
        department: LAB.department,
        setting: 'outpatient',
        reportedAt,
        status: 'final',
        observations,
        sections: panels.map((p) => ({ name: p.name.slice(0, 50) })),
      });
      b.reportNo = reportNo;
      const flagged = observations.filter((o) => o.flag !== 'N').map((o) => ({ code: o.code, flag: o.flag }));
      state.reports.set(reportNo, { reportNo, billNo: b.billNo, kind: 'lab', title, flagged });
      log('lab report published', { reportNo, flagged: flagged.length });
      return;
    }
    const ex = IMAGING.find((e) => e.code === b.examCode) ?? IMAGING[0];
    const abnormal = r() < abnormalRate * 2;
    const reportNo = `PACS-${b.billNo}`;
    await push('/api/integration/v1/his/pacs/reports', {
      reportNo,
      kind: 'exam',
      patient: patientRef(visit.patient),
      title: ex.name,
      department: ex.department,
      setting: 'outpatient',
      reportedAt,
      status: 'final',
      conclusion: abnormal ? pick(r, ex.findings.abnormal) : ex.findings.normal,
      imageStudyUid: `1.2.156.112605.${seed}.${seq.visit}.${Math.floor(r() * 1e9)}`,
    });
    b.reportNo = reportNo;
    state.reports.set(reportNo, {
      reportNo,
      billNo: b.billNo,
      kind: 'exam',
      title: ex.name,
      flagged: abnormal ? [{ code: ex.code, flag: 'abnormal' }] : [],
    });
  }

  return { publishReport };
}
