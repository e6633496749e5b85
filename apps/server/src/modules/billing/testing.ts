// Test-only surface of the billing module: fixtures for *.test.ts files, tests/ and bench/.
// Production code never imports this file.

export { openHisChannel } from './test-helpers.js';
export type { HisCall } from './test-helpers.js';
