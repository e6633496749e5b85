// No cycle between modules, checked by `npm run lint` (npm run lint:deps) and by
// tests/architecture/module-rules.test.ts. A module is its folder apps/server/src/modules/<m>; the
// graph is the modules' own production files (test files may exercise several modules at once).
const base = require('./.dependency-cruiser.cjs');

const M = '^apps/server/src/modules';

module.exports = {
  forbidden: [
    {
      name: 'module-cycle',
      severity: 'error',
      comment: 'Modules depend on each other in one direction only (docs/architecture.md, "Layers").',
      scope: 'folder',
      from: { path: `${M}/[^/]+$` },
      to: { path: `${M}/[^/]+$`, circular: true },
    },
  ],
  options: {
    ...base.options,
    includeOnly: `${M}/[^/]+/`,
    exclude: { path: ['(^|/)(node_modules|dist)/', '[.]test[.]tsx?$'] },
  },
};
