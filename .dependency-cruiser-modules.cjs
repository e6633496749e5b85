// No cycle between modules, checked by `npm run lint` (npm run lint:deps) and by
// tests/architecture/module-rules.test.ts. A module is its folder apps/server/src/modules/<m>; the
// graph is the modules' own production files (test files may exercise several modules at once).
const base = require('./.dependency-cruiser.cjs');

const M = '^apps/server/src/modules';

/** Module cycles still being broken (issue 10), as module names. Must end empty. */
const KNOWN_CYCLES = [
  // notifications <-> identity
  'notifications',
  'identity',
  // the clinical ring
  'billing',
  'blacklist',
  'gateway',
  'inpatient',
  'insurance',
  'invoicing',
  'pharmacy',
  'registration',
  'reports',
];

module.exports = {
  forbidden: [
    {
      name: 'module-cycle',
      severity: 'error',
      comment: 'Modules depend on each other in one direction only (docs/architecture.md, "Layers").',
      scope: 'folder',
      from: {
        path: `${M}/[^/]+$`,
        ...(KNOWN_CYCLES.length ? { pathNot: `${M}/(${KNOWN_CYCLES.join('|')})$` } : {}),
      },
      to: { path: `${M}/[^/]+$`, circular: true },
    },
  ],
  options: {
    ...base.options,
    includeOnly: `${M}/[^/]+/`,
    exclude: { path: ['(^|/)(node_modules|dist)/', '[.]test[.]tsx?$'] },
  },
};
