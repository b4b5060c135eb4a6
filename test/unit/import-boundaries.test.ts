import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ESLint } from 'eslint';

// The repository's own eslint.config.mjs, applied to snippets placed at virtual paths: each import
// below resolves to a real file, so the boundaries plugin classifies it as `npm run lint` does.
// ESLint loads its config with a native import(), which Jest's module sandbox refuses, so ESLint's
// Node API runs in a worker thread (plain Node) and answers one lintText call per message.
const LINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { ESLint } = require(workerData.eslintPath);
const eslint = new ESLint({ cwd: workerData.cwd });
parentPort.on('message', ({ id, code, filePath }) => {
  eslint.lintText(code, { filePath }).then(
    ([result]) => parentPort.postMessage({ id, messages: result.messages }),
    (err) => parentPort.postMessage({ id, error: String(err && err.stack ? err.stack : err) }),
  );
});
`;

type Reply = { id: number; messages?: ESLint.LintResult['messages']; error?: string };

describe('import boundaries (eslint.config.mjs)', () => {
  let worker: Worker;
  let nextId = 0;
  const pending = new Map<number, (reply: Reply) => void>();

  beforeAll(() => {
    worker = new Worker(LINT_WORKER, {
      eval: true,
      workerData: { eslintPath: require.resolve('eslint'), cwd: path.resolve(__dirname, '../..') },
    });
    worker.on('message', (reply: Reply) => pending.get(reply.id)?.(reply));
  });
  afterAll(() => worker.terminate());

  async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
    const id = nextId++;
    const reply = await new Promise<Reply>((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ id, code, filePath });
    });
    pending.delete(id);
    if (reply.error) throw new Error(reply.error);
    const messages = reply.messages ?? [];
    // A parse error or a crashed rule would leave no boundaries message either: make it visible.
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    return messages
      .filter((m) => m.ruleId === 'boundaries/dependencies' && m.severity === 2)
      .map((m) => m.message);
  }

  const REGISTRY_ACTIVITIES = '../../activities/registry/registry-activities';

  it('refuses a value import of an activity implementation in a workflow', async () => {
    const errors = await boundaryErrors(
      'workflows/objection/x.ts',
      `import { createRegistryActivities } from '${REGISTRY_ACTIVITIES}';\nexport const make = createRegistryActivities;\n`,
    );
    expect(errors).toEqual([expect.stringContaining('import type')]);
  });

  it('lets a workflow import an activity factory as a type only', async () => {
    const errors = await boundaryErrors(
      'workflows/objection/x.ts',
      `import type { createRegistryActivities } from '${REGISTRY_ACTIVITIES}';\nexport type Registry = ReturnType<typeof createRegistryActivities>;\n`,
    );
    expect(errors).toEqual([]);
  });

  it('refuses an import of infra/database in a workflow, even a type-only one', async () => {
    const errors = await boundaryErrors(
      'workflows/objection/x.ts',
      `import type { CreditRecord } from '../../infra/database/entities/registry/credit-record.entity';\nexport type Row = CreditRecord;\n`,
    );
    expect(errors).toEqual([expect.stringContaining('imports nothing from apps/ or infra/')]);
  });

  it('refuses an import of workflows/ in the Temporal dev server', async () => {
    const errors = await boundaryErrors(
      'infra/temporal-dev-server/src/x.ts',
      `import { addWorkingDays } from '../../../workflows/calendar/working-days';\nexport const add = addWorkingDays;\n`,
    );
    expect(errors).toEqual([expect.stringContaining('imports nothing of the service')]);
  });

  it('refuses an import of apps/ in an activity', async () => {
    const errors = await boundaryErrors(
      'activities/x.ts',
      `import { loadSigningKeys } from '../apps/api/auth/signing-keys';\nexport const load = loadSigningKeys;\n`,
    );
    expect(errors).toEqual([expect.stringContaining('only apps/ import apps/')]);
  });
});
