import type { AppConfig } from '../../config.js';
import type { Clock } from '../../platform/clock.js';
import { HttpExamSystem } from './http.js';

/**
 * The physical-exam system (体检系统): the platform tells it about paid bookings (and their later date
 * changes and cancellations), and reads what it holds about a person (EXAM-02) once the patient has
 * authorised the exchange (EXAM-01). Check-ins, completions and report numbers come the other way,
 * through the signed integration API (modules/exams).
 */
export interface ExamPerson {
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  idType: string;
  idNumber: string;
  phone: string;
}

/** A booking as it is now; the exam system keeps the highest version it has seen. */
export interface ExamBookingSnapshot {
  bookingNo: string;
  version: number;
  status: 'booked' | 'cancelled';
  packageCode: string;
  packageName: string;
  examDate: string;
  amountFen: number;
  paidAt: Date | null;
  person: ExamPerson;
}

export interface ExamRecord {
  examNo: string;
  examDate: string;
  packageName: string;
  status: 'booked' | 'checked_in' | 'completed' | 'cancelled';
  reportNo: string | null;
  summary: string | null;
}

/** The exam system could not take the call; `retryable` false means it refused it for good. */
export class ExamSystemError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = true,
  ) {
    super(message);
  }
}

export interface ExamSystem {
  readonly kind: 'sandbox' | 'http';
  /**
   * Upserts a booking by its number: a repeated or older version changes nothing and returns the same
   * exam order number, so a retry after a lost answer is harmless.
   */
  syncBooking(booking: ExamBookingSnapshot): Promise<{ examOrderNo: string }>;
  /** EXAM-02: the exam visits the exam system holds for this person, newest first. */
  listRecords(person: { idNumber: string; name: string }): Promise<ExamRecord[]>;
}

export interface ExamSystemAdapters {
  examSystem: ExamSystem;
}

export function buildExamSystemAdapters(config: AppConfig, clock: Clock): ExamSystemAdapters {
  switch (config.EXAM_SYSTEM_PROVIDER) {
    case 'sandbox':
      return { examSystem: new SandboxExamSystem() };
    case 'http':
      return { examSystem: new HttpExamSystem(config, clock) };
  }
}

interface HeldBooking {
  snapshot: ExamBookingSnapshot;
  examOrderNo: string;
}

/**
 * The sandbox exam system: keeps what it was told in memory (the demo and tests read it) and can be
 * told to be down or to refuse, as a real one is now and then.
 */
export class SandboxExamSystem implements ExamSystem {
  readonly kind = 'sandbox' as const;
  readonly bookings = new Map<string, HeldBooking>();
  /** Fault injection: the next N calls fail as unreachable; `refuse` rejects bookings for good. */
  readonly faults = { unavailable: 0, refuse: false };
  calls = 0;

  async syncBooking(b: ExamBookingSnapshot): Promise<{ examOrderNo: string }> {
    this.calls++;
    this.failIfDown();
    const held = this.bookings.get(b.bookingNo);
    if (held && held.snapshot.version >= b.version) return { examOrderNo: held.examOrderNo };
    if (!held && b.status === 'cancelled')
      throw new ExamSystemError(
        'EXAM_BOOKING_UNKNOWN',
        'sandbox exam system does not hold this booking',
        false,
      );
    if (!held && this.faults.refuse)
      throw new ExamSystemError('EXAM_SYSTEM_REFUSED', 'sandbox exam system refuses the booking', false);
    const examOrderNo = held?.examOrderNo ?? `TJ${String(this.bookings.size + 1).padStart(8, '0')}`;
    this.bookings.set(b.bookingNo, { snapshot: structuredClone(b), examOrderNo });
    return { examOrderNo };
  }

  async listRecords(person: { idNumber: string; name: string }): Promise<ExamRecord[]> {
    this.calls++;
    this.failIfDown();
    return [...this.bookings.values()]
      .filter((h) => h.snapshot.person.idNumber === person.idNumber)
      .sort((a, b) => b.snapshot.examDate.localeCompare(a.snapshot.examDate))
      .map((h) => ({
        examNo: h.examOrderNo,
        examDate: h.snapshot.examDate,
        packageName: h.snapshot.packageName,
        status: h.snapshot.status,
        reportNo: null,
        summary: null,
      }));
  }

  private failIfDown() {
    if (this.faults.unavailable > 0) {
      this.faults.unavailable--;
      throw new ExamSystemError('EXAM_SYSTEM_UNAVAILABLE', 'sandbox exam system unavailable');
    }
  }
}
