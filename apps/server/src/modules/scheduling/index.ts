// Public surface of the scheduling module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { checkInWindowOf, earliestBookableStart } from './check-in-window.js';
export type { BookingChannel, RegistrationLevel } from './schema.js';
export { schedulingSeed } from './seed.js';
export {
  assertReleased,
  browseSchedules,
  getReleaseRule,
  getSchedule,
  getSegments,
  lockScheduleForStop,
  markStopped,
  openSchedulesBetween,
} from './service.js';
export type { ScheduleView } from './service.js';
export { freeSlot, markSlotBooked, rowsOf, scheduleForBooking, takeSlot } from './slots.js';
