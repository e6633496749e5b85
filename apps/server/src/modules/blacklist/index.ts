// Public surface of the blacklist module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { assertIdNumberNotBlacklisted, assertNotBlacklisted, evaluateBlacklistRules } from './service.js';
export { provideIncidentCounts } from './incidents.js';
export type { IncidentCounts } from './incidents.js';
