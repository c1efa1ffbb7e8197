/** Jest runs the TypeScript sources directly; real-daemon tests are *.int.test.ts. */
module.exports = {
  testEnvironment: 'node',
  // only the source folders: the repo root also holds .buildkit/ (a Docker data root of several GB) and node_modules
  roots: ['blocks', 'llb', 'planner', 'src', 'stacks'].map((d) => `<rootDir>/${d}`),
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/testdata/', '/\\.buildkit/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
  // COGPACK_INT_RETRIES: retries for real-daemon tests only (see the file)
  setupFilesAfterEnv: ['<rootDir>/src/testing/jest-retry.ts', '<rootDir>/src/testing/jest-image-cleanup.ts'],
  // one temporary root per run, removed at the end (src/testing/jest-tmpdir.js)
  globalSetup: '<rootDir>/src/testing/jest-tmpdir-setup.js',
  globalTeardown: '<rootDir>/src/testing/jest-tmpdir-teardown.js',
  // .buildkit/ holds the local Docker data root (image layers with package.json files of their own)
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.buildkit/'],
};
