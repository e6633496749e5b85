import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The one clock. Tests replace it with a controlled clock through buildApp({ clock }). */
export interface Clock {
  now(): Date;
}

// The one place the wall clock is read for business time.
export const systemClock: Clock = { now: () => new Date() };

/** The app's clock (ctx.clock): the instant, and the business date in the hospital's zone. */
export interface HospitalClock extends Clock {
  /** The hospital's time zone (HOSPITAL_TIMEZONE). */
  readonly zone: string;
  /** Today in the hospital (YYYY-MM-DD): the clinic day, the business date of numbers and reports. */
  today(): string;
}

/** Reads `source` (the system clock, or a test's controlled one) in the hospital's zone. */
export function hospitalClock(source: Clock, zone: string): HospitalClock {
  return { zone, now: () => source.now(), today: () => hospitalDay(source.now(), zone) };
}

/** A clock tests can move; starts at `start` and only moves when told. */
export class ControlledClock implements Clock {
  private t: number;
  constructor(start: Date | string = new Date()) {
    this.t = new Date(start).getTime();
  }
  now() {
    return new Date(this.t);
  }
  set(to: Date | string) {
    this.t = new Date(to).getTime();
  }
  advance(ms: number) {
    this.t += ms;
  }
}

/** Business dates (clinic day, release time) live in the hospital's zone. */
export function hospitalDay(at: Date, tz: string): string {
  // One formatter per zone (dayjs's tz() builds a new one on every call, which shows at a release
  // peak), and the last answer per zone for the same minute (every zone's offset is whole minutes
  // since 1972), since every request asks for "today".
  const ms = at.getTime();
  const minute = Math.floor(ms / 60_000);
  let z = dayFormats.get(tz);
  if (!z) {
    z = {
      format: new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }),
      minute: NaN,
      day: '',
    };
    dayFormats.set(tz, z);
  }
  if (z.minute === minute) return z.day;
  const parts = Object.fromEntries(z.format.formatToParts(at).map((p) => [p.type, p.value]));
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  if (ms >= SINCE_1972) {
    z.minute = minute;
    z.day = day;
  }
  return day;
}
const SINCE_1972 = Date.UTC(1972, 0, 1);
const dayFormats = new Map<string, { format: Intl.DateTimeFormat; minute: number; day: string }>();

export function hospitalTime(date: string, time: string, tz: string): Date {
  return dayjs.tz(`${date} ${time}`, tz).toDate();
}

export { dayjs };
