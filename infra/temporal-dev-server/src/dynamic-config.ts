/**
 * The dynamic config keys this server honours (`--dynamic-config-value KEY=VALUE`), under the real
 * server's names and with its defaults. The real server reads them per namespace; here a value
 * holds for every namespace. Capabilities (DescribeNamespace, GetSystemInfo) are derived from them,
 * so what the server reports is what it does.
 */
export interface DynamicConfig {
  /** `limit.historyCount.suggestContinueAsNew` */
  suggestContinueAsNewEvents: number;
  /** `limit.historySize.suggestContinueAsNew` (bytes) */
  suggestContinueAsNewBytes: number;
  /** `frontend.enableCancelWorkerPollsOnShutdown`: ShutdownWorker answers the worker's polls. */
  cancelWorkerPollsOnShutdown: boolean;
  /** `frontend.enableUpdateWorkflowExecution` */
  enableUpdateWorkflowExecution: boolean;
  /** `frontend.enableUpdateWorkflowExecutionAsyncAccepted`: an update may wait for Accepted only. */
  enableUpdateWorkflowExecutionAsyncAccepted: boolean;
  /** `system.enableEagerWorkflowStart`: a start may hand its first workflow task to the caller. */
  enableEagerWorkflowStart: boolean;
}

export const DEFAULT_DYNAMIC_CONFIG: DynamicConfig = {
  suggestContinueAsNewEvents: 4 * 1024,
  suggestContinueAsNewBytes: 4 * 1024 * 1024,
  cancelWorkerPollsOnShutdown: false,
  enableUpdateWorkflowExecution: true,
  enableUpdateWorkflowExecutionAsyncAccepted: true,
  enableEagerWorkflowStart: true,
};

type Parser = (raw: string, key: string) => Partial<DynamicConfig>;

function bool(field: keyof DynamicConfig): Parser {
  return (raw, key) => {
    const v = raw.trim().toLowerCase();
    if (v !== 'true' && v !== 'false') throw new Error(`--dynamic-config-value ${key} needs true or false`);
    return { [field]: v === 'true' };
  };
}

function positiveInt(field: keyof DynamicConfig): Parser {
  return (raw, key) => {
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`--dynamic-config-value ${key} needs a positive integer`);
    return { [field]: n };
  };
}

const KEYS: Record<string, Parser> = {
  'limit.historyCount.suggestContinueAsNew': positiveInt('suggestContinueAsNewEvents'),
  'limit.historySize.suggestContinueAsNew': positiveInt('suggestContinueAsNewBytes'),
  'frontend.enableCancelWorkerPollsOnShutdown': bool('cancelWorkerPollsOnShutdown'),
  'frontend.enableUpdateWorkflowExecution': bool('enableUpdateWorkflowExecution'),
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': bool('enableUpdateWorkflowExecutionAsyncAccepted'),
  'system.enableEagerWorkflowStart': bool('enableEagerWorkflowStart'),
};

/**
 * Folds `KEY=VALUE` arguments into a config. A bad value of a known key throws (the CLI stops with
 * its name); a key this server does not know is returned in `unknown`, for the CLI to report.
 */
export function parseDynamicConfig(values: string[]): { config: Partial<DynamicConfig>; unknown: string[] } {
  const config: Partial<DynamicConfig> = {};
  const unknown: string[] = [];
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new Error(`--dynamic-config-value needs KEY=VALUE, got ${value}`);
    const key = value.slice(0, eq);
    const raw = value.slice(eq + 1);
    // The SDK's ephemeral server passes it; this server never checks for new versions.
    if (key === 'frontend.enableServerVersionCheck' && raw.trim().toLowerCase() === 'false') continue;
    const parse = KEYS[key];
    if (!parse) {
      if (!unknown.includes(key)) unknown.push(key);
      continue;
    }
    Object.assign(config, parse(raw, key));
  }
  return { config, unknown };
}
