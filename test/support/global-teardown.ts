import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const started = globalThis.__TEST_POSTGRES__;
  if (!started) return;
  await started.handle.stop();
  rmSync(started.dir, { recursive: true, force: true });
  globalThis.__TEST_POSTGRES__ = undefined;
}
