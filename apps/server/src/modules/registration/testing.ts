// Test-only surface of the registration module: fixtures for *.test.ts files, tests/ and bench/.
// Production code never imports this file.

export {
  bookAndCheckIn,
  deliverSandboxNotifications,
  manyPatients,
  messagesOf,
  newPatient,
  openClinic,
  payAtSandbox,
  sandboxOf,
  slotStates,
} from './test-helpers.js';
export type { Clinic } from './test-helpers.js';
