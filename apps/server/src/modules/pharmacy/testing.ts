// Test-only surface of the pharmacy module: fixtures for *.test.ts files, tests/ and bench/.
// Production code never imports this file.

export { circulating, metformin, openPrescriptionChannel } from './test-helpers.js';
export type { Holder } from './test-helpers.js';
