// Registration: console operations (SCH-10, registration admin).

import { and, asc, desc, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { formatYuan } from '../../platform/money.js';
import { dayjs } from '../../platform/clock.js';
import type { BookingChannel } from '../scheduling/index.js';
import { registrations, type RegistrationState } from './schema.js';
import type { ClinicalScope } from './staff-scope.js';
import { namesFor, registrationSummary } from './queries.js';

export interface AdminFilter {
  date?: string;
  from?: string;
  to?: string;
  departmentId?: string;
  doctorId?: string;
  state?: RegistrationState;
  channel?: BookingChannel;
  page?: number;
  pageSize?: number;
  /** clinical staff: only these doctors' or departments' registrations (staff-scope.ts) */
  scope?: ClinicalScope;
}

export async function searchRegistrations(ctx: AppContext, f: AdminFilter) {
  const where = adminWhere(f);
  const page = f.page ?? 1;
  const pageSize = f.pageSize ?? 20;
  const [rows, [{ n }]] = await Promise.all([
    ctx.db
      .select()
      .from(registrations)
      .where(where)
      .orderBy(
        desc(registrations.clinicDate),
        asc(registrations.segmentStartAt),
        asc(registrations.slotNumber),
      )
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(registrations)
      .where(where),
  ]);
  const names = await namesFor(ctx, rows);
  return {
    items: rows.map((r) => ({
      ...registrationSummary(ctx, r, names),
      patientName: maskPersonName(r.patientName),
    })),
    total: Number(n),
    page,
    pageSize,
  };
}

export async function exportRegistrations(ctx: AppContext, f: AdminFilter): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const rows = await ctx.db
    .select()
    .from(registrations)
    .where(adminWhere(f))
    .orderBy(asc(registrations.clinicDate), asc(registrations.segmentStartAt), asc(registrations.slotNumber))
    .limit(50_000);
  const names = await namesFor(ctx, rows);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('挂号记录');
  sheet.columns = [
    { header: '就诊日期', key: 'date', width: 12 },
    { header: '时段', key: 'time', width: 14 },
    { header: '科室', key: 'dept', width: 16 },
    { header: '医生', key: 'doctor', width: 10 },
    { header: '号序', key: 'number', width: 6 },
    { header: '就诊人', key: 'patient', width: 10 },
    { header: '渠道', key: 'channel', width: 10 },
    { header: '号别', key: 'level', width: 8 },
    { header: '挂号费(元)', key: 'fee', width: 10 },
    { header: '状态', key: 'state', width: 10 },
    { header: '退款', key: 'refund', width: 10 },
    { header: '挂号时间', key: 'created', width: 20 },
  ];
  const tz = ctx.config.HOSPITAL_TIMEZONE;
  const hm = (d: Date) => dayjs(d).tz(tz).format('HH:mm');
  for (const r of rows)
    sheet.addRow({
      date: r.clinicDate,
      time: `${hm(r.segmentStartAt)}-${hm(r.segmentEndAt)}`,
      dept: names.departments.get(r.departmentId) ?? '',
      doctor: names.doctors.get(r.doctorId)?.name ?? '',
      number: r.slotNumber,
      patient: maskPersonName(r.patientName),
      channel: CHANNEL_ZH[r.channel],
      level: LEVEL_ZH[r.level],
      fee: formatYuan(r.feeFen),
      state: STATE_ZH[r.state],
      refund: REFUND_ZH[r.refundState],
      created: dayjs(r.createdAt).tz(tz).format('YYYY-MM-DD HH:mm:ss'),
    });
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await book.xlsx.writeBuffer());
}

function adminWhere(f: AdminFilter): SQL | undefined {
  return and(
    f.scope
      ? or(
          f.scope.doctorIds.length ? inArray(registrations.doctorId, f.scope.doctorIds) : undefined,
          f.scope.departmentIds.length
            ? inArray(registrations.departmentId, f.scope.departmentIds)
            : undefined,
          sql`false`,
        )
      : undefined,
    f.date ? eq(registrations.clinicDate, f.date) : undefined,
    f.from ? gte(registrations.clinicDate, f.from) : undefined,
    f.to ? lte(registrations.clinicDate, f.to) : undefined,
    f.departmentId ? eq(registrations.departmentId, f.departmentId) : undefined,
    f.doctorId ? eq(registrations.doctorId, f.doctorId) : undefined,
    f.state ? eq(registrations.state, f.state) : undefined,
    f.channel ? eq(registrations.channel, f.channel) : undefined,
  );
}

/** 张三 → 张*, 欧阳娜娜 → 欧**娜: staff lists show names masked. */
export function maskPersonName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

const CHANNEL_ZH: Record<BookingChannel, string> = { online: '线上', counter: '窗口', third_party: '第三方' };
const LEVEL_ZH = { general: '普通号', expert: '专家号', special: '特需号' } as const;
const STATE_ZH: Record<RegistrationState, string> = {
  locked: '待支付',
  booked: '已预约',
  checked_in: '已取号',
  completed: '已就诊',
  expired: '已超时',
  cancelled: '已退号',
  no_show: '爽约',
};
const REFUND_ZH = {
  none: '',
  pending: '待退款',
  requested: '退款中',
  processing: '退款中',
  succeeded: '已退款',
  failed: '退款失败',
} as const;
