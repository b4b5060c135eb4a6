import { parseArgs } from 'node:util';
import { CASE_PROCEDURES } from '../../activities';
import { ConfigError, loadConfig } from '../../infra/config/config';
import { openDatabase } from '../../infra/database/data-source';
import { connectTemporalClient } from '../../infra/temporal/client';
import { rebuildCaseIndex } from './rebuild-case-index';

/**
 * `npm run index:rebuild [-- --procedure objection]` rebuilds the supervision index (`case_index`)
 * from the procedures' workflows, against the running service: its database (DATABASE_URL, or the
 * embedded one of `npm start`) and its Temporal (TEMPORAL_ADDRESS, or the embedded dev server),
 * with a worker running (it answers the state queries). Prints the counts; exits 1 if a case's
 * state could not be read.
 */
const USAGE = `用法：npm run index:rebuild [-- --procedure <程序>]
  从各程序的流程重建督查案件索引（case_index）。
  --procedure  只重建该程序，可重复：${CASE_PROCEDURES.map((p) => p.procedure).join('、')}
需要服务正在运行（数据库、Temporal 及 worker）。`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: { procedure: { type: 'string', multiple: true }, help: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const known = CASE_PROCEDURES.map((p) => p.procedure as string);
  const unknown = (args.procedure ?? []).filter((p) => !known.includes(p));
  if (unknown.length) {
    console.error(`未知的程序：${unknown.join('、')}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const databaseUrl =
    config.database.url ??
    `postgres://postgres:postgres@127.0.0.1:${config.database.embeddedPort}/${config.database.name}`;
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.embeddedPort}`;
  const dataSource = await openDatabase(databaseUrl);
  const temporal = await connectTemporalClient(address, config.temporal.namespace);
  try {
    const reports = await rebuildCaseIndex({
      client: temporal.client,
      dataSource,
      procedures: CASE_PROCEDURES,
      only: args.procedure,
    });
    let failed = 0;
    for (const r of reports) {
      console.log(
        `${r.procedure}: 流程 ${r.workflows}，写入 ${r.written}，已是更新版本 ${r.newer}，失败 ${r.failed.length}`,
      );
      for (const f of r.failed) console.log(`  ✘ ${f.workflowId}: ${f.error}`);
      failed += r.failed.length;
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await temporal.close();
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `重建失败：${String(err)}`);
    process.exit(1);
  },
);
