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
if (process.env.CPU_PROFILE_DIR) profileOnSignal(process.env.CPU_PROFILE_DIR, entry);
require(path.resolve(entry));

/**
 * Profiling a running component (`npm run bench` and `npm start` run them as processes that end
 * by SIGKILL or without a clean exit, so `--cpu-prof` would never write): with CPU_PROFILE_DIR
 * set, the first SIGWINCH starts the V8 CPU profiler and the next one writes
 * `<dir>/<entry>-<pid>-<n>.cpuprofile` (open it in Chrome DevTools or speedscope). Not SIGUSR2:
 * Nest's shutdown hooks close the app on it; SIGWINCH is ignored by default, so a process
 * without this handler (the dev server's executable) is unharmed. The profile's `dispatch` frames
 * under `post` are the profiler's own stop, not the component's work.
 */
function profileOnSignal(dir, entryName) {
  const fs = require('node:fs');
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  let running = false;
  let n = 0;
  process.on('SIGWINCH', () => {
    if (!running) {
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      running = true;
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err) return console.error(`CPU profile not written: ${err.message}`);
      fs.mkdirSync(dir, { recursive: true });
      const name = path.basename(entryName).replace(/\.ts$/, '');
      const file = path.join(dir, `${name}-${process.pid}-${++n}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(result.profile));
      console.error(`CPU profile written: ${file}`);
    });
  });
}
