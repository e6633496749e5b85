import type { AppConfig } from '../../config.js';
import type { Clock } from '../../platform/clock.js';
import { SignedJsonClient } from '../http/signed-client.js';
import { ExamSystemError, type ExamBookingSnapshot, type ExamRecord, type ExamSystem } from './index.js';

export { PLATFORM_APP_ID } from '../http/signed-client.js';

/** Paths of the outbound exam-system contract (docs/api.md, physical exams), relative to EXAM_SYSTEM_URL. */
export const EXAM_SYSTEM_PATHS = {
  bookings: '/qingnang/v1/exam-bookings',
  records: '/qingnang/v1/exam-records/query',
} as const;

type HttpConfig = Pick<AppConfig, 'EXAM_SYSTEM_URL' | 'EXAM_SYSTEM_SECRET' | 'EXAM_SYSTEM_TIMEOUT_MS'>;

/**
 * The exam system over HTTP: signed JSON POSTs keyed with EXAM_SYSTEM_SECRET
 * (integrations/http/signed-client.ts). Network errors, timeouts, 5xx, 408 and 429 are retryable;
 * any other 4xx is the exam system refusing the call for good.
 */
export class HttpExamSystem implements ExamSystem {
  readonly kind = 'http' as const;
  private readonly client: SignedJsonClient;

  constructor(config: HttpConfig, clock: Clock) {
    if (!config.EXAM_SYSTEM_URL) throw new Error('EXAM_SYSTEM_PROVIDER=http requires EXAM_SYSTEM_URL');
    this.client = new SignedJsonClient({
      baseUrl: config.EXAM_SYSTEM_URL,
      secret: config.EXAM_SYSTEM_SECRET,
      timeoutMs: config.EXAM_SYSTEM_TIMEOUT_MS,
      clock,
      label: 'exam system',
      codePrefix: 'EXAM_SYSTEM',
      fail: (code, message, retryable) => new ExamSystemError(code, message, retryable),
    });
  }

  async syncBooking(b: ExamBookingSnapshot): Promise<{ examOrderNo: string }> {
    const res = await this.client.post(EXAM_SYSTEM_PATHS.bookings, {
      ...b,
      paidAt: b.paidAt?.toISOString() ?? null,
    });
    if (typeof res.examOrderNo !== 'string' || !res.examOrderNo)
      throw new ExamSystemError('EXAM_SYSTEM_BAD_ANSWER', 'exam system answered without examOrderNo');
    return { examOrderNo: res.examOrderNo };
  }

  async listRecords(person: { idNumber: string; name: string }): Promise<ExamRecord[]> {
    const res = await this.client.post(EXAM_SYSTEM_PATHS.records, person);
    if (!Array.isArray(res.items))
      throw new ExamSystemError('EXAM_SYSTEM_BAD_ANSWER', 'exam system answered without items');
    return (res.items as Record<string, unknown>[]).map((r) => ({
      examNo: String(r.examNo ?? ''),
      examDate: String(r.examDate ?? ''),
      packageName: String(r.packageName ?? ''),
      status: (['booked', 'checked_in', 'completed', 'cancelled'].includes(String(r.status))
        ? r.status
        : 'booked') as ExamRecord['status'],
      reportNo: typeof r.reportNo === 'string' ? r.reportNo : null,
      summary: typeof r.summary === 'string' ? r.summary : null,
    }));
  }
}
