// Public surface of the staff module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { CONSOLE_MENUS, menusFor } from './menus.js';
export { DEMO_STAFF, staffLinksSeed, staffSeed } from './seed.js';
