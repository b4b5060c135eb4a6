#!/usr/bin/env node
// Runs a TypeScript entry point without a build step: ts-node in transpile-only mode
// with SWC (which keeps the decorator metadata NestJS needs). Used by `npm start`,
// `npm run token` and the Temporal dev server's executable.
'use strict';
const path = require('node:path');

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node infra/run-ts.js <entry.ts> [args...]');
  process.exit(2);
}
require('ts-node').register({
  project: path.join(__dirname, '..', 'tsconfig.json'),
  transpileOnly: true,
  swc: true,
});
process.argv = [process.argv[0], path.resolve(entry), ...rest];
require(path.resolve(entry));
