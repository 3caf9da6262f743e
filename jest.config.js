// Jest runs in its native ESM mode (NestJS 12 is ESM-only): `node --experimental-vm-modules`.
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: 'tsconfig.json' },
];
const common = {
  testEnvironment: 'node',
  // TypeORM keeps its decorator metadata in a global on purpose; jest's cleanup of globals between
  // files only produces warnings about it.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  // Sources import siblings as './x.js' (nodenext); jest resolves the .ts file.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Mercurius's @fastify/static requires content-disposition 3, which is ESM only: Node loads it
    // (require of ESM), jest's module registry on Node 20 cannot. Version 2 (Express's, CommonJS) has the same `create`.
    '^content-disposition$': '<rootDir>/node_modules/content-disposition/dist/index.js',
  },
};

/** @type {import('jest').Config} */
export default {
  // e2e tests start apps on a real database; unit tests finish in milliseconds either way.
  testTimeout: 30_000,
  // Journal files a previous run's apps left behind are not this run's (see the file).
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
