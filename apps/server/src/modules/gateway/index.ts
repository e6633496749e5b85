// Public surface of the gateway module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { registerIntegrationApi } from './integration-api.js';
export { integrationChannels } from './schema.js';
export type { IntegrationOperation } from './schema.js';
export type { Channel } from './service.js';
export { integrationSignature, signIntegrationRequest, signatureMatches } from './signing.js';
