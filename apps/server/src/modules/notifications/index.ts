// Public surface of the notifications module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { messages, smsMessages } from './schema.js';
export type { Channel, DeliveryState } from './schema.js';
export { notify, registerTemplates } from './service.js';
export { provideRecipients } from './recipients.js';
export type { RecipientDirectory } from './recipients.js';
export { templateNames } from './templates.js';
