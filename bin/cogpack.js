#!/usr/bin/env node
'use strict';
// `cogpack plan` starts from the bundle + V8 code cache that `npm run build` writes to dist/fast/
// (src/startup/plan-bundle.ts); every other command, or a missing or stale bundle, runs dist/src/.
let main;
try {
  main = require('../dist/src/startup/plan-bundle.js').loadPlanBundle(process.argv);
} catch {
  main = undefined; // the fast path is optional
}
(main || require('../dist/src/cli.js').main)(process.argv);
