/** Jest runs the TypeScript sources directly; real-daemon tests are *.int.test.ts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/testdata/', '/\\.buildkit/'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  // .buildkit/ holds the local Docker data root (image layers with package.json files of their own)
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.buildkit/'],
};
