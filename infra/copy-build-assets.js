#!/usr/bin/env node
// `npm run build` compiles TypeScript only: the files the compiled service reads at run time
// from next to its code are copied here into the build's directory (default dist/).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
/** Read at run time relative to the module that reads them (`__dirname`). */
const ASSETS = [
  'apps/api/console/public', // the browser console's static files (console.controller.ts)
  'infra/database/postgres-watchdog.js', // the embedded PostgreSQL's watchdog (embedded-postgres.ts)
];

const outDir = path.resolve(ROOT, process.argv[2] ?? 'dist');
for (const asset of ASSETS) {
  fs.cpSync(path.join(ROOT, asset), path.join(outDir, asset), { recursive: true });
}
console.log(`copied ${ASSETS.length} run-time assets into ${outDir}`);
