#!/usr/bin/env node
// Watches the process that started an embedded PostgreSQL (over the IPC channel it was spawned
// with) and stops that PostgreSQL when the process dies without stopping it, e.g. killed by the
// OOM killer: a postmaster cannot watch its parent itself. Plain JavaScript so it starts at once.
//   node postgres-watchdog.js <postmaster pid> <postmaster start time | -> <data directory>
'use strict';
const { readFileSync } = require('node:fs');
const { setTimeout: sleep } = require('node:timers/promises');

const [pidArg, startTime, dataDir] = process.argv.slice(2);
const pid = Number(pidArg);

function startTimeOf(p) {
  try {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function running() {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  if (startTime === '-') return true;
  const now = startTimeOf(pid);
  return now === undefined || now === startTime;
}

async function stopPostgres() {
  // SIGINT: fast shutdown (what pg_ctl stop -m fast sends); SIGQUIT: immediate; SIGKILL last.
  for (const [signal, graceMs] of [
    ['SIGINT', 15000],
    ['SIGQUIT', 5000],
    ['SIGKILL', 2000],
  ]) {
    if (!running()) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let waited = 0; waited < graceMs && running(); waited += 100) await sleep(100);
  }
}

// A Ctrl-C reaches the whole process group: the launcher stops PostgreSQL in order, and this
// watchdog stays until the launcher is gone.
process.on('SIGINT', () => undefined);
process.stderr.on('error', () => undefined);
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => {
  if (!running()) process.exit(0);
  try {
    process.stderr.write(`启动进程已退出，正在停止嵌入式 PostgreSQL（进程 ${pid}，数据目录 ${dataDir}）…\n`);
  } catch {
    // the launcher's terminal may be gone too
  }
  stopPostgres().then(() => process.exit(0));
});
if (!process.connected) process.exit(2);
