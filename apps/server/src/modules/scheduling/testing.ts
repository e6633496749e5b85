// Test-only surface of the scheduling module: fixtures for *.test.ts files, tests/ and bench/.
// Production code never imports this file.

export { addTestDoctor } from './test-fixtures.js';
