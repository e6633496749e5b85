import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config.js';
import { signIntegrationRequest } from '../../modules/gateway/index.js';
import { ExamSystemError, type ExamBookingSnapshot, type ExamRecord, type ExamSystem } from './index.js';

/** The app id the platform signs its calls to the exam system with. */
export const PLATFORM_APP_ID = 'qingnang';

/** Paths of the outbound exam-system contract (docs/api.md, physical exams), relative to EXAM_SYSTEM_URL. */
export const EXAM_SYSTEM_PATHS = {
  bookings: '/qingnang/v1/exam-bookings',
  records: '/qingnang/v1/exam-records/query',
} as const;

type HttpConfig = Pick<AppConfig, 'EXAM_SYSTEM_URL' | 'EXAM_SYSTEM_SECRET' | 'EXAM_SYSTEM_TIMEOUT_MS'>;

/**
 * The exam system over HTTP: signed JSON POSTs in the integration API's own scheme
 * (modules/gateway/signing.ts) keyed with EXAM_SYSTEM_SECRET, so an integrator implements one scheme
 * for both directions. Network errors, timeouts, 5xx, 408 and 429 are retryable; any other 4xx is
 * the exam system refusing the call for good.
 */
export class HttpExamSystem implements ExamSystem {
  readonly kind = 'http' as const;
  private readonly base: string;

  constructor(private readonly config: HttpConfig) {
    if (!config.EXAM_SYSTEM_URL) throw new Error('EXAM_SYSTEM_PROVIDER=http requires EXAM_SYSTEM_URL');
    this.base = config.EXAM_SYSTEM_URL.replace(/\/$/, '');
  }

  async syncBooking(b: ExamBookingSnapshot): Promise<{ examOrderNo: string }> {
    const res = await this.post(EXAM_SYSTEM_PATHS.bookings, {
      ...b,
      paidAt: b.paidAt?.toISOString() ?? null,
    });
    if (typeof res.examOrderNo !== 'string' || !res.examOrderNo)
      throw new ExamSystemError('EXAM_SYSTEM_BAD_ANSWER', 'exam system answered without examOrderNo');
    return { examOrderNo: res.examOrderNo };
  }

  async listRecords(person: { idNumber: string; name: string }): Promise<ExamRecord[]> {
    const res = await this.post(EXAM_SYSTEM_PATHS.records, person);
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

  private async post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const url = new URL(this.base + path);
    const raw = JSON.stringify(body);
    const headers = signIntegrationRequest({
      appId: PLATFORM_APP_ID,
      secret: this.config.EXAM_SYSTEM_SECRET,
      method: 'POST',
      path: url.pathname + url.search,
      body: raw,
      timestamp: Math.floor(Date.now() / 1000),
      nonce: randomBytes(12).toString('hex'),
    });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: raw,
        signal: AbortSignal.timeout(this.config.EXAM_SYSTEM_TIMEOUT_MS),
      });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new ExamSystemError(
        timeout ? 'EXAM_SYSTEM_TIMEOUT' : 'EXAM_SYSTEM_UNAVAILABLE',
        `exam system ${path}: ${timeout ? 'no answer in time' : (err as Error).message}`,
      );
    }
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = {};
    }
    if (res.ok) return parsed;
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    const code =
      typeof parsed.code === 'string'
        ? parsed.code
        : retryable
          ? 'EXAM_SYSTEM_UNAVAILABLE'
          : 'EXAM_SYSTEM_REFUSED';
    const message = typeof parsed.message === 'string' ? parsed.message : `HTTP ${res.status}`;
    throw new ExamSystemError(code, `exam system ${path}: ${message}`.slice(0, 400), retryable);
  }
}
