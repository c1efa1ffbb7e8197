#!/usr/bin/env node
'use strict';
// `cogpack plan` starts from the bundle + V8 code cache that `npm run build` writes to dist/fast/
// (src/startup/plan-bundle.ts); every other command, or a missing or stale bundle, runs dist/src/.
let main;
try {
  main = require('../dist/src/startup/plan-bundle.js').loadPlanBundle(process.argv);
  // `cogpack build` has a bundle of its own in dist/fast-build/ (src/startup/build-bundle.ts)
  main = main || require('../dist/src/startup/build-bundle.js').loadBuildBundle(process.argv);
} catch {
  main = undefined; // the fast path is optional
}
(main || require('../dist/src/cli.js').main)(process.argv);
