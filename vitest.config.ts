import { configDefaults, defineConfig } from 'vitest/config';

// Every API and service test file, as `npm run test:api` (and CI, on both engines) runs them.
const ALL = [
  'apps/server/src/**/*.test.ts',
  'apps/console/src/**/*.test.ts',
  'apps/patient/src/**/*.test.ts',
  'packages/*/src/**/*.test.ts',
  'tests/security/**/*.test.ts',
  'tests/architecture/**/*.test.ts',
];

// Pure tests: no database, no template, seconds. New ones in the server: name them `*.unit.test.ts`.
const UNIT = [
  'apps/console/src/**/*.test.ts',
  'apps/patient/src/**/*.test.ts',
  'packages/contracts/src/**/*.test.ts',
  'packages/his-sim/src/**/*.test.ts',
  'apps/server/src/**/*.unit.test.ts',
  'apps/server/src/platform/ids.test.ts',
  'apps/server/src/integrations/his/patient-info.test.ts',
  'apps/server/src/modules/directory/html.test.ts',
];

// Whole-system tests: the HIS simulator end to end, races on PostgreSQL, killed workers, security edges.
const ACCEPTANCE = [
  '**/*.acceptance.test.ts',
  'apps/server/src/**/concurrency.test.ts',
  'apps/server/src/**/lock-survives-kill.test.ts',
  'apps/server/src/modules/registration/release-peak.test.ts',
  'tests/security/**/*.test.ts',
  'tests/architecture/**/*.test.ts',
];

// Migrates and seeds one template database per run (shared by the projects that need it).
const DATABASE = { globalSetup: ['apps/server/src/testing/global-setup.ts'] };

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each test file belongs to exactly one project; `module` is everything the other two do not claim.
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, exclude: [...configDefaults.exclude, ...ACCEPTANCE] },
      },
      {
        extends: true,
        test: {
          name: 'module',
          include: ALL,
          exclude: [...configDefaults.exclude, ...UNIT, ...ACCEPTANCE],
          ...DATABASE,
        },
      },
      {
        extends: true,
        test: { name: 'acceptance', include: ACCEPTANCE, exclude: [...configDefaults.exclude], ...DATABASE },
      },
    ],
  },
});
