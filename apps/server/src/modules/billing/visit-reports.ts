import type { ReportKind, ReportStatus } from '@qingnang/contracts';
import type { AppContext } from '../../platform/context.js';
import type { PatientRecord } from '../identity/index.js';

/** A report as the visit guide lists it (GUIDE-08/09). */
export interface VisitReport {
  id: string;
  reportNo: string;
  kind: ReportKind;
  title: string;
  department: string | null;
  status: ReportStatus;
  reportedAt: string | null;
}

/**
 * The visit guide's port for reports: a visit day's lab / exam / pathology reports. The reports
 * module, which owns them, provides it when it registers; billing never imports reports (reports
 * builds on billing's visits for the health profile).
 */
export interface VisitReports {
  /** How many reports each of these visit days has: date → count. */
  countsByDay(ctx: AppContext, p: PatientRecord, visitDates: string[]): Promise<Map<string, number>>;
  /** One visit day's reports, oldest first. */
  ofVisit(ctx: AppContext, p: PatientRecord, visitDate: string): Promise<VisitReport[]>;
}

let port: VisitReports | undefined;

export function provideVisitReports(r: VisitReports): void {
  port = r;
}

export function visitReports(): VisitReports {
  if (!port) throw new Error('billing: no visit reports; the reports module provides them when it registers');
  return port;
}
