import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';
import { and, asc, desc, eq, gte, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { dayjs } from '../../platform/clock.js';
import { DomainError, conflict } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { maskName, maskPhone } from '../../platform/pii.js';
import { notify, registerTemplates } from '../notifications/index.js';
import {
  blindIndexOf,
  findPatientsByIdNumber,
  getPatientById,
  getPatientForRecords,
  listPatients,
  type PatientRecord,
  findPatientsByVisitCard,
} from '../identity/index.js';
import {
  examAccessCodes,
  imagingAuthorisations,
  indicatorKb,
  reportObservations,
  reportSections,
  reports,
  type Flag,
  type ReportKind,
  type ReportSetting,
  type ReportSource,
  type ReportStatus,
} from './schema.js';

export type Report = typeof reports.$inferSelect;
export type Observation = typeof reportObservations.$inferSelect;
export type Indicator = typeof indicatorKb.$inferSelect;

export const REPORT_READY = 'report.ready';
export const EXAM_REPORT_READY = 'report.exam_ready';

registerTemplates({
  [REPORT_READY]: {
    category: 'report',
    title: { zh: '报告已出具', en: 'Report ready' },
    body: {
      zh: '{patientName}的{title}已出具，请在“报告查询”中查看。',
      en: 'The report "{title}" for {patientName} is ready to view.',
    },
    channels: ['sms', 'wechat', 'alipay'],
    link: '/reports/{reportId}',
  },
  // RPT-10: a finished physical-exam report; the extraction code is sent on request (RPT-11)
  [EXAM_REPORT_READY]: {
    category: 'report',
    title: { zh: '体检报告已完成', en: 'Physical-exam report ready' },
    body: {
      zh: '{patientName}的{title}已完成（报告号 {reportNo}）。可在“报告查询”中查看，或凭报告号和姓名获取短信提取码查看。',
      en: 'The physical-exam report "{title}" for {patientName} is ready (report no. {reportNo}). View it in Reports, or request an extraction code by SMS with the report number and name.',
    },
    channels: ['sms', 'wechat', 'alipay'],
    link: '/reports/{reportId}',
  },
});

export const reportNotFound = () =>
  new DomainError('REPORT_NOT_FOUND', 404, '报告不存在', 'Report not found');

// ---- flags ----

/** H/L/N from the reference range when the LIS sends no flag; null when nothing can be said. */
export function flagOf(value: number | null, low: number | null, high: number | null): Flag | null {
  if (value === null) return null;
  if (low === null && high === null) return null;
  if (low !== null && value < low) return 'L';
  if (high !== null && value > high) return 'H';
  return 'N';
}

// ---- inbound pushes (LIS / PACS) ----

export interface PushedObservation {
  code: string;
  name: string;
  value: number | string;
  unit?: string;
  refLow?: number;
  refHigh?: number;
  refText?: string;
  flag?: Flag;
  section?: string;
}

export interface PushedReport {
  reportNo: string;
  kind: ReportKind;
  patient: { name: string; visitCardNo?: string; idNumber?: string };
  title: string;
  department?: string;
  setting?: ReportSetting;
  orderedAt?: string;
  reportedAt?: string;
  status: ReportStatus;
  conclusion?: string;
  imageStudyUid?: string;
  observations: PushedObservation[];
  /** physical exams: each department's part with its own conclusion */
  sections?: { name: string; conclusion?: string }[];
}

const STATUS_RANK: Record<ReportStatus, number> = { pending: 0, partial: 1, final: 2 };

/** The platform patients behind a pushed card or ID number; the "self" record owns the report. */
async function resolvePerson(ctx: AppContext, p: PushedReport['patient']) {
  let found: PatientRecord[] = [];
  if (p.idNumber) found = await findPatientsByIdNumber(ctx, p.idNumber);
  if (found.length === 0 && p.visitCardNo) {
    found = await findPatientsByVisitCard(ctx, p.visitCardNo);
  }
  const owner =
    found.find((r) => r.relation === 'self') ??
    [...found].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
  const idNumber = p.idNumber ?? owner?.idNumber;
  return {
    owner,
    personIdx: idNumber ? blindIndexOf(ctx, idNumber) : null,
  };
}

/**
 * Records a pushed report: idempotent by (source, report no). A re-push replaces the observations and
 * may move the status forward (pending → partial → final), never back. The first time a report is
 * final, the owning account gets one report-ready notification.
 */
export async function pushReport(
  ctx: AppContext,
  source: ReportSource,
  input: PushedReport,
): Promise<{ report: Report; created: boolean; notified: boolean }> {
  const person = await resolvePerson(ctx, input.patient);
  const now = ctx.clock.now();
  const fields = {
    kind: input.kind,
    patientId: person.owner?.id ?? null,
    personIdx: person.personIdx,
    visitCardNo: input.patient.visitCardNo?.toUpperCase() ?? person.owner?.visitCardNo ?? null,
    patientName: input.patient.name,
    title: input.title,
    department: input.department ?? null,
    setting: input.setting ?? (input.kind === 'physical' ? 'physical' : 'outpatient'),
    orderedAt: input.orderedAt ? new Date(input.orderedAt) : null,
    reportedAt: input.reportedAt ? new Date(input.reportedAt) : null,
    status: input.status,
    conclusion: input.conclusion ?? null,
    imageStudyUid: input.imageStudyUid ?? null,
    updatedAt: now,
  };
  return ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(reports)
      .values({ id: newId(), source, reportNo: input.reportNo, createdAt: now, ...fields })
      .onConflictDoNothing()
      .returning();
    let report = inserted[0];
    const created = !!report;
    if (!report) {
      const [current] = await tx
        .select()
        .from(reports)
        .where(and(eq(reports.source, source), eq(reports.reportNo, input.reportNo)))
        .for('update');
      if (!current) throw reportNotFound();
      if (STATUS_RANK[input.status] < STATUS_RANK[current.status]) {
        throw conflict(
          'REPORT_STATUS_BACKWARDS',
          `报告已是${current.status === 'final' ? '终审' : '部分出具'}状态，不能退回`,
          `The report is already ${current.status}; its status cannot go back`,
          { status: current.status },
        );
      }
      if (current.kind !== input.kind) {
        throw conflict('REPORT_KIND_CHANGED', '报告类型不能修改', 'The report kind cannot change');
      }
      const [updated] = await tx
        .update(reports)
        .set(fields)
        .where(and(eq(reports.id, current.id), eq(reports.status, current.status)))
        .returning();
      if (!updated) throw conflict('REPORT_CHANGED', '报告正在更新，请重试', 'The report changed; retry');
      report = updated;
      await tx.delete(reportObservations).where(eq(reportObservations.reportId, report.id));
      await tx.delete(reportSections).where(eq(reportSections.reportId, report.id));
    }
    if (input.sections && input.sections.length > 0) {
      await tx.insert(reportSections).values(
        input.sections.map((x, i) => ({
          reportId: report.id,
          seq: i,
          name: x.name,
          conclusion: x.conclusion ?? null,
        })),
      );
    }
    if (input.observations.length > 0) {
      await tx.insert(reportObservations).values(
        input.observations.map((o, i) => {
          const valueNum = typeof o.value === 'number' ? o.value : null;
          const refLow = o.refLow ?? null;
          const refHigh = o.refHigh ?? null;
          return {
            id: newId(),
            reportId: report.id,
            seq: i,
            code: o.code,
            name: o.name,
            valueNum,
            valueText: typeof o.value === 'string' ? o.value : null,
            unit: o.unit ?? null,
            refLow,
            refHigh,
            refText: o.refText ?? null,
            flag: o.flag ?? flagOf(valueNum, refLow, refHigh),
            observedAt: fields.reportedAt,
            section: o.section ?? null,
          };
        }),
      );
    }
    let notified = false;
    if (report.status === 'final' && report.patientId) {
      // compare-and-set on notified_at: exactly one notification per report, whatever the re-pushes
      const [claimed] = await tx
        .update(reports)
        .set({ notifiedAt: now })
        .where(and(eq(reports.id, report.id), isNull(reports.notifiedAt)))
        .returning();
      if (claimed) {
        const owner = await getPatientById(ctx, report.patientId, tx);
        await notify(
          ctx,
          {
            accountId: owner.accountId,
            template: report.kind === 'physical' ? EXAM_REPORT_READY : REPORT_READY,
            data: {
              patientName: maskName(owner.name),
              title: report.title,
              reportId: report.id,
              reportNo: report.reportNo,
            },
          },
          tx,
        );
        notified = true;
        report = claimed;
      }
    }
    return { report, created, notified };
  });
}

// ---- patient access ----

/** Reports of one person: by the person's ID-number index, the bound visit card, or the patient id. */
function ofPatient(ctx: AppContext, p: PatientRecord): SQL {
  const conds: SQL[] = [eq(reports.personIdx, blindIndexOf(ctx, p.idNumber)), eq(reports.patientId, p.id)];
  if (p.visitCardNo) conds.push(eq(reports.visitCardNo, p.visitCardNo));
  return or(...conds)!;
}

export async function listReports(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  kind?: ReportKind,
): Promise<Report[]> {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  return ctx.db
    .select()
    .from(reports)
    .where(and(ofPatient(ctx, p), kind ? eq(reports.kind, kind) : undefined))
    .orderBy(desc(sql`coalesce(${reports.reportedAt}, ${reports.createdAt})`), desc(reports.createdAt));
}

export async function getReportById(ctx: AppContext, reportId: string): Promise<Report> {
  const [report] = await ctx.db.select().from(reports).where(eq(reports.id, reportId));
  if (!report) throw reportNotFound();
  return report;
}

/** A report the account may read: one of its consented patients is the person it belongs to. */
export async function getReportForAccount(ctx: AppContext, accountId: string, reportId: string) {
  const [report] = await ctx.db.select().from(reports).where(eq(reports.id, reportId));
  if (!report) throw reportNotFound();
  for (const v of await listPatients(ctx, accountId)) {
    let p: PatientRecord;
    try {
      p = await getPatientForRecords(ctx, accountId, v.id);
    } catch (err) {
      if (err instanceof DomainError && err.status === 404) continue; // not consented: not theirs to read
      throw err;
    }
    const [match] = await ctx.db
      .select({ id: reports.id })
      .from(reports)
      .where(and(eq(reports.id, reportId), ofPatient(ctx, p)));
    if (match) return { report, patient: p };
  }
  throw reportNotFound();
}

export interface Interpretation {
  code: string;
  name: string;
  meaning: string;
  /** what the flagged direction may mean */
  explanation: string | null;
  advice: string | null;
}

/** Knowledge-base entries for codes (by code or alias, case-insensitive). */
async function kbFor(ctx: AppContext, codes: string[]): Promise<Map<string, Indicator>> {
  const out = new Map<string, Indicator>();
  if (codes.length === 0) return out;
  const all = await ctx.db.select().from(indicatorKb);
  const index = new Map<string, Indicator>();
  for (const k of all) {
    index.set(k.code.toLowerCase(), k);
    for (const a of k.aliases) if (!index.has(a.toLowerCase())) index.set(a.toLowerCase(), k);
  }
  for (const c of codes) {
    const k = index.get(c.toLowerCase());
    if (k) out.set(c, k);
  }
  return out;
}

export function interpretation(k: Indicator, flag: Flag | null): Interpretation {
  let explanation: string | null = null;
  if (flag === 'H') explanation = k.highMeaning;
  else if (flag === 'L') explanation = k.lowMeaning;
  else if (flag === 'critical') explanation = k.highMeaning ?? k.lowMeaning;
  return { code: k.code, name: k.name, meaning: k.meaning, explanation, advice: k.advice };
}

export async function reportDetail(ctx: AppContext, report: Report) {
  const obs = await ctx.db
    .select()
    .from(reportObservations)
    .where(eq(reportObservations.reportId, report.id))
    .orderBy(asc(reportObservations.seq));
  const flagged = obs.filter((o) => o.flag && o.flag !== 'N');
  const kb = await kbFor(ctx, [...new Set(flagged.map((o) => o.code))]);
  const sections = await ctx.db
    .select()
    .from(reportSections)
    .where(eq(reportSections.reportId, report.id))
    .orderBy(asc(reportSections.seq));
  return {
    report,
    sections,
    observations: obs.map((o) => {
      const k = o.flag && o.flag !== 'N' ? kb.get(o.code) : undefined;
      return { ...o, interpretation: k ? interpretation(k, o.flag) : null };
    }),
  };
}

// ---- cloud imaging (RPT-07) ----

function imagingKey(ctx: AppContext): Buffer {
  const secret = ctx.config.IMAGING_LINK_KEY ?? `imaging-link:${ctx.config.piiEncryptionKey}`;
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** RPT-06: the account authorises (or withdraws) cloud-imaging access for one of its consented patients. */
export async function setImagingAuthorisation(
  ctx: AppContext,
  accountId: string,
  patientId: string,
  granted: boolean,
): Promise<{ patientId: string; authorised: boolean; grantedAt: Date | null }> {
  await getPatientForRecords(ctx, accountId, patientId);
  const now = ctx.clock.now();
  if (granted) {
    const [row] = await ctx.db
      .insert(imagingAuthorisations)
      .values({ patientId, accountId, grantedAt: now })
      .onConflictDoUpdate({
        target: imagingAuthorisations.patientId,
        set: { accountId, grantedAt: now, revokedAt: null },
      })
      .returning();
    return { patientId, authorised: true, grantedAt: row.grantedAt };
  }
  await ctx.db
    .update(imagingAuthorisations)
    .set({ revokedAt: now })
    .where(and(eq(imagingAuthorisations.patientId, patientId), isNull(imagingAuthorisations.revokedAt)));
  return { patientId, authorised: false, grantedAt: null };
}

export async function imagingAuthorised(ctx: AppContext, patientId: string): Promise<boolean> {
  const [row] = await ctx.db
    .select()
    .from(imagingAuthorisations)
    .where(and(eq(imagingAuthorisations.patientId, patientId), isNull(imagingAuthorisations.revokedAt)));
  return !!row;
}

export async function getImagingAuthorisation(ctx: AppContext, accountId: string, patientId: string) {
  await getPatientForRecords(ctx, accountId, patientId);
  const [row] = await ctx.db
    .select()
    .from(imagingAuthorisations)
    .where(and(eq(imagingAuthorisations.patientId, patientId), isNull(imagingAuthorisations.revokedAt)));
  return { patientId, authorised: !!row, grantedAt: row?.grantedAt ?? null };
}

/**
 * A link to the cloud-imaging viewer. Its one parameter is AES-256-GCM ciphertext of the study, the
 * visit card and an expiry, so the URL carries no plain identity and cannot be altered or reused late.
 */
export function imagingLink(ctx: AppContext, report: Report): { url: string; expiresAt: Date } {
  if (!report.imageStudyUid) {
    throw new DomainError('IMAGING_NOT_AVAILABLE', 404, '该报告没有影像', 'This report has no images');
  }
  const expiresAt = new Date(ctx.clock.now().getTime() + ctx.config.IMAGING_LINK_TTL_SECONDS * 1000);
  const payload = JSON.stringify({
    s: report.imageStudyUid,
    c: report.visitCardNo,
    r: report.reportNo,
    e: Math.floor(expiresAt.getTime() / 1000),
  });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', imagingKey(ctx), iv);
  const ct = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final()]);
  const token = Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64url');
  const url = new URL(ctx.config.CLOUD_IMAGING_BASE_URL);
  url.searchParams.set('p', token);
  return { url: url.toString(), expiresAt };
}

/** What the imaging system does with the parameter: decrypt, check integrity and expiry. */
export function openImagingLink(
  ctx: AppContext,
  token: string,
): { studyUid: string; visitCardNo: string | null; reportNo: string } {
  let parsed: { s: string; c: string | null; r: string; e: number };
  try {
    const raw = Buffer.from(token, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', imagingKey(ctx), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const pt = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    parsed = JSON.parse(pt.toString('utf8'));
  } catch {
    throw new DomainError('IMAGING_LINK_INVALID', 400, '影像链接无效', 'The imaging link is invalid');
  }
  if (parsed.e * 1000 <= ctx.clock.now().getTime()) {
    throw new DomainError('IMAGING_LINK_EXPIRED', 410, '影像链接已过期', 'The imaging link has expired');
  }
  return { studyUid: parsed.s, visitCardNo: parsed.c, reportNo: parsed.r };
}

// ---- health record (RPT-12, RPT-13) ----

async function numericObservations(ctx: AppContext, p: PatientRecord, code?: string) {
  return ctx.db
    .select({
      reportId: reports.id,
      at: sql<Date>`coalesce(${reports.reportedAt}, ${reports.createdAt})`.mapWith(
        (v: string | Date) => new Date(v),
      ),
      code: reportObservations.code,
      name: reportObservations.name,
      unit: reportObservations.unit,
      value: reportObservations.valueNum,
      refLow: reportObservations.refLow,
      refHigh: reportObservations.refHigh,
      flag: reportObservations.flag,
    })
    .from(reportObservations)
    .innerJoin(reports, eq(reports.id, reportObservations.reportId))
    .where(
      and(
        ofPatient(ctx, p),
        inArray(reports.status, ['partial', 'final']),
        sql`${reportObservations.valueNum} IS NOT NULL`,
        code ? sql`lower(${reportObservations.code}) = lower(${code})` : undefined,
      ),
    )
    .orderBy(asc(sql`coalesce(${reports.reportedAt}, ${reports.createdAt})`), asc(reports.createdAt));
}

export async function healthRecord(ctx: AppContext, accountId: string, patientId: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const rows = await numericObservations(ctx, p);
  const byCode = new Map<
    string,
    { first: (typeof rows)[number]; last: (typeof rows)[number]; count: number }
  >();
  for (const r of rows) {
    const e = byCode.get(r.code);
    if (e) {
      e.last = r;
      e.count++;
    } else byCode.set(r.code, { first: r, last: r, count: 1 });
  }
  const kb = await kbFor(ctx, [...byCode.keys()]);
  const allReports = await ctx.db
    .select({ kind: reports.kind, setting: reports.setting, n: sql<number>`count(*)`.mapWith(Number) })
    .from(reports)
    .where(ofPatient(ctx, p))
    .groupBy(reports.kind, reports.setting);
  return {
    patient: p,
    reportCounts: allReports,
    indicators: [...byCode.entries()].map(([code, e]) => ({
      code,
      name: e.last.name,
      category: kb.get(code)?.category ?? null,
      unit: e.last.unit,
      count: e.count,
      firstAt: e.first.at,
      latest: {
        at: e.last.at,
        value: e.last.value!,
        flag: e.last.flag,
        refLow: e.last.refLow,
        refHigh: e.last.refHigh,
        reportId: e.last.reportId,
      },
    })),
  };
}

export async function indicatorTrend(ctx: AppContext, accountId: string, patientId: string, code: string) {
  const p = await getPatientForRecords(ctx, accountId, patientId);
  const rows = await numericObservations(ctx, p, code);
  const kb = (await kbFor(ctx, [code])).get(code) ?? null;
  const last = rows[rows.length - 1];
  return {
    code: kb?.code ?? last?.code ?? code,
    name: kb?.name ?? last?.name ?? null,
    unit: last?.unit ?? kb?.unit ?? null,
    refLow: last?.refLow ?? null,
    refHigh: last?.refHigh ?? null,
    points: rows.map((r) => ({
      at: r.at,
      value: r.value!,
      flag: r.flag,
      refLow: r.refLow,
      refHigh: r.refHigh,
      reportId: r.reportId,
    })),
  };
}

// ---- physical-exam extraction code (RPT-09, RPT-11) ----

const codeHash = (reportId: string, code: string) =>
  createHash('sha256').update(`${reportId}:${code}`, 'utf8').digest('hex');

const normalise = (s: string) => s.replace(/\s+/g, '').toLowerCase();

async function physicalReportByNo(ctx: AppContext, reportNo: string): Promise<Report | undefined> {
  const [r] = await ctx.db
    .select()
    .from(reports)
    .where(and(eq(reports.reportNo, reportNo), eq(reports.kind, 'physical'), eq(reports.status, 'final')))
    .limit(1);
  return r;
}

const RESEND_SECONDS = 60;
const EXAM_CODES_PER_DAY = 5;

/**
 * Sends a one-time extraction code to the phone on file of the exam report's owner. A wrong report
 * number or name, or an owner with no phone on file, is answered exactly like a missing report.
 */
export async function requestExamAccess(ctx: AppContext, input: { reportNo: string; name: string }) {
  const report = await physicalReportByNo(ctx, input.reportNo);
  if (!report || normalise(report.patientName) !== normalise(input.name) || !report.patientId) {
    throw reportNotFound();
  }
  let owner: PatientRecord;
  try {
    owner = await getPatientById(ctx, report.patientId);
  } catch (err) {
    if (err instanceof DomainError && err.status === 404) throw reportNotFound();
    throw err;
  }
  const now = ctx.clock.now();
  const cfg = ctx.config;
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await ctx.db.transaction(async (tx) => {
    const [last] = await tx
      .select()
      .from(examAccessCodes)
      .where(eq(examAccessCodes.reportId, report.id))
      .orderBy(desc(examAccessCodes.createdAt))
      .limit(1)
      .for('update');
    if (last && !last.consumedAt && last.createdAt.getTime() + RESEND_SECONDS * 1000 > now.getTime()) {
      const retryAfterSeconds = Math.ceil(
        (last.createdAt.getTime() + RESEND_SECONDS * 1000 - now.getTime()) / 1000,
      );
      throw new DomainError(
        'SMS_RESEND_TOO_SOON',
        429,
        `提取码发送过于频繁，请 ${retryAfterSeconds} 秒后再试`,
        `Please wait ${retryAfterSeconds} s before requesting another code`,
        { retryAfterSeconds },
      );
    }
    // at most EXAM_CODES_PER_DAY codes per report and hospital day: the owner's phone cannot be bombed
    const dayStart = dayjs(now).tz(cfg.HOSPITAL_TIMEZONE).startOf('day').toDate();
    const [{ n }] = await tx
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(examAccessCodes)
      .where(and(eq(examAccessCodes.reportId, report.id), gte(examAccessCodes.createdAt, dayStart)));
    if (n >= EXAM_CODES_PER_DAY) {
      throw new DomainError(
        'EXAM_CODE_DAILY_LIMIT',
        429,
        '今日获取提取码次数已达上限，请明天再试',
        'The daily limit of extraction codes for this report is reached',
      );
    }
    // a new code replaces the previous one
    await tx
      .update(examAccessCodes)
      .set({ consumedAt: now })
      .where(and(eq(examAccessCodes.reportId, report.id), isNull(examAccessCodes.consumedAt)));
    await tx.insert(examAccessCodes).values({
      id: newId(),
      reportId: report.id,
      codeHash: codeHash(report.id, code),
      attempts: 0,
      expiresAt: new Date(now.getTime() + cfg.EXAM_ACCESS_CODE_TTL_SECONDS * 1000),
      createdAt: now,
    });
    await ctx.adapters.sms.send(tx as Db, {
      phone: owner.phone,
      template: 'reports.exam_code',
      content: `【青囊医院】您的体检报告提取码为 ${code}，${Math.round(cfg.EXAM_ACCESS_CODE_TTL_SECONDS / 60)} 分钟内有效。请勿告诉他人。`,
      secret: code,
      at: now,
    });
  });
  const sandbox = ctx.adapters.sms.kind === 'console' && cfg.NODE_ENV !== 'production';
  return {
    phoneMasked: maskPhone(owner.phone),
    expiresInSeconds: cfg.EXAM_ACCESS_CODE_TTL_SECONDS,
    resendAfterSeconds: RESEND_SECONDS,
    ...(sandbox ? { sandboxCode: code } : {}),
  };
}

/** Opens the exam report with its extraction code: codes expire, allow a few wrong tries and are used once. */
export async function verifyExamAccess(ctx: AppContext, input: { reportNo: string; code: string }) {
  const report = await physicalReportByNo(ctx, input.reportNo);
  if (!report) throw reportNotFound();
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .select()
    .from(examAccessCodes)
    .where(and(eq(examAccessCodes.reportId, report.id), isNull(examAccessCodes.consumedAt)))
    .orderBy(desc(examAccessCodes.createdAt))
    .limit(1);
  const invalid = () =>
    new DomainError('EXAM_CODE_INVALID', 400, '提取码不正确', 'The extraction code is not correct');
  if (!row) throw invalid();
  if (row.expiresAt.getTime() <= now.getTime()) {
    throw new DomainError(
      'EXAM_CODE_EXPIRED',
      400,
      '提取码已过期，请重新获取',
      'The extraction code has expired',
    );
  }
  if (row.attempts >= ctx.config.EXAM_ACCESS_MAX_ATTEMPTS) {
    throw new DomainError(
      'EXAM_CODE_TOO_MANY_ATTEMPTS',
      429,
      '提取码错误次数过多，请重新获取',
      'Too many wrong tries; request a new code',
    );
  }
  const expected = Buffer.from(row.codeHash, 'hex');
  const given = Buffer.from(codeHash(report.id, input.code), 'hex');
  if (!timingSafeEqual(expected, given)) {
    // count the try with compare-and-set, so concurrent guesses cannot exceed the limit
    const [counted] = await ctx.db
      .update(examAccessCodes)
      .set({ attempts: sql`${examAccessCodes.attempts} + 1` })
      .where(
        and(
          eq(examAccessCodes.id, row.id),
          isNull(examAccessCodes.consumedAt),
          sql`${examAccessCodes.attempts} < ${ctx.config.EXAM_ACCESS_MAX_ATTEMPTS}`,
        ),
      )
      .returning();
    if (!counted) {
      throw new DomainError(
        'EXAM_CODE_TOO_MANY_ATTEMPTS',
        429,
        '提取码错误次数过多，请重新获取',
        'Too many wrong tries; request a new code',
      );
    }
    throw invalid();
  }
  const [used] = await ctx.db
    .update(examAccessCodes)
    .set({ consumedAt: now })
    .where(
      and(
        eq(examAccessCodes.id, row.id),
        isNull(examAccessCodes.consumedAt),
        sql`${examAccessCodes.attempts} < ${ctx.config.EXAM_ACCESS_MAX_ATTEMPTS}`,
      ),
    )
    .returning();
  if (!used) throw invalid();
  return reportDetail(ctx, report);
}

// ---- console ----

export async function listIndicators(ctx: AppContext, q?: string): Promise<Indicator[]> {
  const where = q
    ? or(
        ilike(indicatorKb.code, `%${q}%`),
        ilike(indicatorKb.name, `%${q}%`),
        sql`array_to_string(${indicatorKb.aliases}, ' ') ILIKE ${`%${q}%`}`,
      )
    : undefined;
  return ctx.db
    .select()
    .from(indicatorKb)
    .where(where)
    .orderBy(asc(indicatorKb.category), asc(indicatorKb.code));
}

export interface IndicatorInput {
  name: string;
  aliases: string[];
  category: string;
  unit: string | null;
  meaning: string;
  highMeaning: string | null;
  lowMeaning: string | null;
  advice: string | null;
}

const indicatorNotFound = () =>
  new DomainError('INDICATOR_NOT_FOUND', 404, '指标不存在', 'Indicator not found');

/** Adds a knowledge-base entry (operators; audited). */
export async function createIndicator(
  ctx: AppContext,
  req: FastifyRequest,
  code: string,
  input: IndicatorInput,
): Promise<Indicator> {
  const now = ctx.clock.now();
  const [indicator] = await ctx.db
    .insert(indicatorKb)
    .values({ code, ...input, updatedBy: req.principal?.id ?? null, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning();
  if (!indicator)
    throw conflict('INDICATOR_EXISTS', '该指标代码已存在', 'An indicator with this code exists');
  await audit(ctx, req, { action: 'indicator.create', objectType: 'indicator', objectId: code });
  return indicator;
}

/** Replaces the explanation of an existing entry (operators; audited). */
export async function updateIndicator(
  ctx: AppContext,
  req: FastifyRequest,
  code: string,
  input: IndicatorInput,
): Promise<Indicator> {
  const [indicator] = await ctx.db
    .update(indicatorKb)
    .set({ ...input, updatedBy: req.principal?.id ?? null, updatedAt: ctx.clock.now() })
    .where(eq(indicatorKb.code, code))
    .returning();
  if (!indicator) throw indicatorNotFound();
  await audit(ctx, req, { action: 'indicator.update', objectType: 'indicator', objectId: code });
  return indicator;
}

export async function adminListReports(
  ctx: AppContext,
  req: FastifyRequest,
  f: {
    reportNo?: string;
    kind?: ReportKind;
    status?: ReportStatus;
    patientId?: string;
    page: number;
    pageSize: number;
  },
) {
  const where = and(
    f.reportNo ? eq(reports.reportNo, f.reportNo) : undefined,
    f.kind ? eq(reports.kind, f.kind) : undefined,
    f.status ? eq(reports.status, f.status) : undefined,
    f.patientId ? eq(reports.patientId, f.patientId) : undefined,
  );
  const [items, [{ total }]] = await Promise.all([
    ctx.db
      .select()
      .from(reports)
      .where(where)
      .orderBy(desc(reports.updatedAt), desc(reports.id))
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize),
    ctx.db
      .select({ total: sql<number>`count(*)`.mapWith(Number) })
      .from(reports)
      .where(where),
  ]);
  await audit(ctx, req, {
    action: 'report.list',
    objectType: 'report',
    detail: { filters: { kind: f.kind, status: f.status, patientId: f.patientId }, count: items.length },
  });
  return { items, total };
}
