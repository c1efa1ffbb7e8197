// typescript-eslint's recommended rules over the sources and tests; generated code and build output are not linted.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.buildkit/**',
      'testdata/**',
      'bench/out/**',
      'src/protobuf/proto-codecs-generated.ts',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_x` names a value left out on purpose (a rest-destructured field dropped, an unused callback argument)
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // fakes of gRPC services and daemons take and return loosely typed messages
    files: ['**/*.test.ts', 'src/testing/**', '**/fake-*.ts', '**/test-*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
