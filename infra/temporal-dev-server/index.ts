import { Engine } from './src/engine/engine';
import { recover } from './src/engine/recovery';
import { startGrpcServer } from './src/server';
import { operatorServiceHandlers } from './src/service';
import type { DynamicConfig } from './src/dynamic-config';
import type { Storage } from './src/storage/storage';
import { testServiceHandlers } from './src/test-service';

export { InMemoryStorage } from './src/storage/memory-storage';
export { PostgresStorage } from './src/storage/postgres-storage';
export type { Storage } from './src/storage/storage';

export interface DevServerOptions {
  /** 0 picks a free port. */
  port?: number;
  ip?: string;
  namespaces?: string[];
  /** Serve the TestService and skip time when idle (the test-server form). */
  timeSkipping?: boolean;
  /** Custom search attributes to register in every namespace: name → IndexedValueType number. */
  searchAttributes?: Record<string, number>;
  /** History length at which workers are told to continue as new (default 4096, as the real server). */
  suggestContinueAsNewEvents?: number;
  /** The --dynamic-config-value keys this server honours (src/dynamic-config.ts). */
  dynamicConfig?: Partial<DynamicConfig>;
  /** Where state is written through (default: in memory, gone with the process). */
  storage?: Storage;
  /**
   * Told when a write to storage failed: the server's state is then ahead of storage. The CLI
   * exits (a restart recovers what storage holds); by default it is only logged.
   */
  onStorageFailure?: (err: unknown) => void;
  /** Runs whose whole history stays in memory (LRU, default 10,000); the others read it from storage. */
  historyCacheSize?: number;
  /** Closed runs kept in memory once their close is stored (LRU, default 0). */
  closedRunCacheSize?: number;
  /**
   * How often runs closed longer ago than their namespace's retention are deleted (default 60 s;
   * 0: never). The first sweep runs at start.
   */
  retentionSweepIntervalMs?: number;
  log?: (line: string) => void;
}

export interface DevServerHandle {
  /** host:port for `Connection.connect({ address })`. */
  address: string;
  port: number;
  engine: Engine;
  storage: Storage;
  /** Stops serving, waits for pending writes, closes the storage. */
  stop(): Promise<void>;
}

/**
 * Starts the Temporal-compatible development server in this process. The official SDK connects
 * to `address` unchanged. Not a production engine: production uses a real Temporal cluster.
 */
export async function start(options: DevServerOptions = {}): Promise<DevServerHandle> {
  const log = options.log ?? (() => undefined);
  const engine = new Engine({
    log,
    storage: options.storage,
    onStorageFailure: options.onStorageFailure,
    suggestContinueAsNew: { events: options.suggestContinueAsNewEvents ?? 4 * 1024, bytes: 4 * 1024 * 1024 },
    dynamicConfig: options.dynamicConfig,
    historyCacheSize: options.historyCacheSize,
    closedRunCacheSize: options.closedRunCacheSize,
  });
  // Whatever the storage already holds (a restart) comes back first: the open runs.
  const recovered = await recover(engine);
  if (recovered.open > 0) log(`recovered ${recovered.open} open runs from storage`);
  // External signals and cancellations initiated before the restart and not delivered yet.
  const resumed = await engine.children.resumeExternalRequests();
  if (resumed > 0) log(`resuming ${resumed} undelivered external signals and cancellations`);
  for (const ns of new Set(['default', ...(options.namespaces ?? [])])) {
    if (!engine.namespaces.has(ns)) engine.registerNamespace(ns);
    if (options.searchAttributes) {
      engine.visibility.registry.add(ns, options.searchAttributes);
      engine.saveNamespace(ns);
    }
  }
  const sweepMs = options.retentionSweepIntervalMs ?? 60_000;
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    sweeping = sweeping
      .then(() => engine.sweepRetention())
      .catch((err: unknown) => log(`internal error in the retention sweep: ${String(err)}`));
  };
  const sweepTimer = sweepMs > 0 ? setInterval(sweep, sweepMs).unref() : undefined;
  if (sweepMs > 0) sweep();
  const ip = options.ip ?? '127.0.0.1';
  if (options.timeSkipping) engine.timeSkipping.enable();
  const grpcServer = await startGrpcServer(
    engine,
    {
      operator: operatorServiceHandlers(engine),
      ...(options.timeSkipping ? { test: testServiceHandlers(engine) } : {}),
    },
    ip,
    options.port ?? 7233,
    log,
  );
  return {
    address: `${ip}:${grpcServer.port}`,
    port: grpcServer.port,
    engine,
    storage: engine.storage,
    stop: async () => {
      clearInterval(sweepTimer);
      await sweeping;
      engine.stop();
      await grpcServer.shutdown();
      await engine.durable().catch(() => undefined);
      await engine.storage.close();
    },
  };
}
