// Module boundaries of apps/server/src/modules (docs/architecture.md, "Module surfaces"), checked by
// `npm run lint` (npm run lint:deps) and by tests/architecture/module-rules.test.ts.
//
// - Another module is used only through its surface, modules/<m>/index.ts.
// - Its test fixtures, modules/<m>/testing.ts, only from tests (*.test.ts, a module's test-helpers /
//   test-fixtures / testing.ts, tests/, bench/).
// - modules/index.ts takes each module's wiring from modules/<m>/module.ts; db/schema.ts gathers
//   every module's schema.ts for Drizzle. Nothing else reaches inside a module.
// Cycles between modules: .dependency-cruiser-modules.cjs.
const M = '^apps/server/src/modules';
const TEST_FILES = [
  '[.]test[.]tsx?$',
  '^tests/',
  '^bench/',
  `${M}/[^/]+/(test-helpers|test-fixtures|testing)[.]ts$`,
];

module.exports = {
  forbidden: [
    {
      name: 'module-internals',
      severity: 'error',
      comment:
        'A module imports another module only through its surface modules/<m>/index.ts (test fixtures: testing.ts).',
      from: { path: `${M}/([^/]+)/` },
      to: {
        path: `${M}/[^/]+/`,
        pathNot: [`${M}/$1/`, `${M}/[^/]+/(index|testing)[.]ts$`],
      },
    },
    {
      name: 'module-internals-from-outside',
      severity: 'error',
      comment:
        'Code outside the modules (platform, integrations, db, app, tests, bench, packages, web apps) imports a module only through modules/<m>/index.ts (test fixtures: testing.ts).',
      from: {
        pathNot: [`${M}/[^/]+/`, `${M}/index[.]ts$`, '^apps/server/src/db/schema[.]ts$'],
      },
      to: {
        path: `${M}/[^/]+/`,
        pathNot: `${M}/[^/]+/(index|testing)[.]ts$`,
      },
    },
    {
      name: 'module-wiring',
      severity: 'error',
      comment:
        'modules/index.ts registers each module from its modules/<m>/module.ts and imports nothing else of it.',
      from: { path: `${M}/index[.]ts$` },
      to: { path: `${M}/[^/]+/`, pathNot: `${M}/[^/]+/module[.]ts$` },
    },
    {
      name: 'drizzle-schema',
      severity: 'error',
      comment: "db/schema.ts gathers each module's schema.ts for Drizzle and nothing else of a module.",
      from: { path: '^apps/server/src/db/schema[.]ts$' },
      to: { path: `${M}/[^/]+/`, pathNot: `${M}/[^/]+/(schema|index)[.]ts$` },
    },
    {
      name: 'testing-surface-only-in-tests',
      severity: 'error',
      comment: 'modules/<m>/testing.ts holds test fixtures; production code never imports it.',
      from: { pathNot: TEST_FILES },
      to: { path: `${M}/[^/]+/testing[.]ts$` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
