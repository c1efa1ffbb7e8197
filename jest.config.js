/** Jest runs the TypeScript sources directly; real-daemon tests are *.int.test.ts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/testdata/'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
