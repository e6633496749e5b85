import { and, inArray, or, type SQL, eq } from 'drizzle-orm';
import { hospitalDay } from '../../platform/clock.js';
import type { AppContext } from '../../platform/context.js';
import { blindIndexOf, type PatientRecord } from '../identity/index.js';
import { reports } from './schema.js';
import type { Report } from './service.js';

/**
 * The lab, exam and pathology reports of an outpatient visit (GUIDE-09). The LIS/PACS push carries
 * no visit number, so a report belongs to a visit when it is the same person's outpatient (or
 * emergency) report ordered on the visit's day (in the hospital's zone); without an order time,
 * the report time counts. The caller has already established that `p` is the account's own or
 * consenting family patient.
 */

const VISIT_KINDS = ['lab', 'exam', 'pathology'] as const;

function ofPerson(ctx: AppContext, p: PatientRecord): SQL {
  const conds: SQL[] = [eq(reports.personIdx, blindIndexOf(ctx, p.idNumber)), eq(reports.patientId, p.id)];
  if (p.visitCardNo) conds.push(eq(reports.visitCardNo, p.visitCardNo));
  return or(...conds)!;
}

const dayOf = (ctx: AppContext, r: Pick<Report, 'orderedAt' | 'reportedAt' | 'createdAt'>) =>
  hospitalDay(r.orderedAt ?? r.reportedAt ?? r.createdAt, ctx.config.HOSPITAL_TIMEZONE);

async function outpatientReports(ctx: AppContext, p: PatientRecord) {
  return ctx.db
    .select()
    .from(reports)
    .where(
      and(
        ofPerson(ctx, p),
        inArray(reports.kind, [...VISIT_KINDS]),
        inArray(reports.setting, ['outpatient', 'emergency']),
      ),
    )
    .limit(1000);
}

/** The reports of the visit on this day, oldest first. */
export async function reportsOfVisit(ctx: AppContext, p: PatientRecord, visitDate: string) {
  const rows = (await outpatientReports(ctx, p)).filter((r) => dayOf(ctx, r) === visitDate);
  rows.sort(
    (a, b) =>
      (a.reportedAt ?? a.createdAt).getTime() - (b.reportedAt ?? b.createdAt).getTime() ||
      a.id.localeCompare(b.id),
  );
  return rows.map((r) => ({
    id: r.id,
    reportNo: r.reportNo,
    kind: r.kind,
    title: r.title,
    department: r.department,
    status: r.status,
    reportedAt: r.reportedAt?.toISOString() ?? null,
  }));
}

/** How many reports each of these visit days has: date → count. */
export async function reportCountsByDay(ctx: AppContext, p: PatientRecord, visitDates: string[]) {
  const counts = new Map<string, number>();
  if (!visitDates.length) return counts;
  const wanted = new Set(visitDates);
  for (const r of await outpatientReports(ctx, p)) {
    const d = dayOf(ctx, r);
    if (wanted.has(d)) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return counts;
}
