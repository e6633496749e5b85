import type { AppConfig } from '../../config.js';

/**
 * 取号 (check-in) is possible from CHECKIN_OPENS_MINUTES_BEFORE before a segment starts until
 * CHECKIN_CLOSES_MINUTES_AFTER after it started (REG-17). The same window decides what may still be
 * sold: a slot whose check-in has closed cannot be used by anyone, so it is neither offered nor
 * taken, a lock never outlives it and a booking that could not reach it is never a no-show.
 */
export interface CheckInWindow {
  opensAt: Date;
  closesAt: Date;
}

type WindowConfig = Pick<AppConfig, 'CHECKIN_OPENS_MINUTES_BEFORE' | 'CHECKIN_CLOSES_MINUTES_AFTER'>;

export function checkInWindowOf(config: WindowConfig, segmentStartAt: Date): CheckInWindow {
  return {
    opensAt: new Date(segmentStartAt.getTime() - config.CHECKIN_OPENS_MINUTES_BEFORE * 60_000),
    closesAt: new Date(segmentStartAt.getTime() + config.CHECKIN_CLOSES_MINUTES_AFTER * 60_000),
  };
}

/**
 * The earliest segment start that can still be checked in at `now`: segments starting before it are
 * closed for booking (their check-in window has passed).
 */
export function earliestBookableStart(config: WindowConfig, now: Date): Date {
  return new Date(now.getTime() - config.CHECKIN_CLOSES_MINUTES_AFTER * 60_000);
}
