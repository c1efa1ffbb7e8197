/**
 * Turns zod's JIT off for a one-shot process without loading zod. zod keeps its global config on
 * globalThis.__zod_globalConfig and adopts an existing object when it loads (zod/v4/core/core.cjs),
 * so setting the flag there works before and after zod is loaded; zod-jitless.test.ts checks that
 * zod still reads it (a zod upgrade that moved the config fails that test, not `cogpack plan`).
 */
type Holder = { __zod_globalConfig?: Record<string, unknown> };

export function setZodJitless(): void {
  const g = globalThis as Holder;
  g.__zod_globalConfig = Object.assign(g.__zod_globalConfig ?? {}, { jitless: true });
}
