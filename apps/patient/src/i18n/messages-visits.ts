/** Messages of the visit records overview and medication records (GUIDE-09). Chinese first. */
const m = (zh: string, en: string) => ({ zh, en });

export const visitRecordMessages = {
  visitOverviewCounts: m('处方 {rx} · 报告 {reports}', '{rx} prescriptions · {reports} reports'),
  visitPrescriptions: m('医保电子处方', 'E-prescriptions'),
  visitReports: m('检验检查报告', 'Lab and exam reports'),
  visitNoPrescriptions: m('本次就诊无电子处方', 'No e-prescriptions at this visit'),
  visitNoReports: m('暂无本次就诊的报告', 'No reports for this visit yet'),
  visitReportsHint: m('报告按就诊日期归入本次就诊', 'Reports are matched to the visit by its date'),
  medicationsTitle: m('用药记录', 'Medications'),
  medicationsEmpty: m('暂无用药记录', 'No medication records'),
  medicationHospital: m('院内药房', 'Hospital pharmacy'),
  medicationRetail: m('零售药店', 'Retail pharmacy'),
  medicationDispensed: m('已取药', 'Dispensed'),
  medicationToCollect: m('待取药', 'To collect'),
  medicationQuantity: m('数量 {n}{unit}', 'Qty {n} {unit}'),
  medicationVisit: m('就诊号 {no}', 'Visit {no}'),
};
