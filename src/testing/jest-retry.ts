/**
 * Jest setup for real-daemon tests: with COGPACK_INT_RETRIES=N, a failing *.int.test.ts test is run again up to
 * N times and every failed attempt's error is still printed. Why: the shared BuildKit cache can hold duplicate
 * records after --no-cache runs (buildkit-merge-diff-findings §4), which occasionally changes which cached
 * snapshot a step reuses; a retry tells that apart from a real regression, which fails every attempt.
 */
const retries = Number(process.env.COGPACK_INT_RETRIES ?? '0');
const testPath = expect.getState().testPath ?? '';
if (retries > 0 && testPath.endsWith('.int.test.ts')) {
  jest.retryTimes(retries, { logErrorsBeforeRetry: true });
}
