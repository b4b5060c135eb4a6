import { DBOS } from '@dbos-inc/dbos-sdk';
import { touch } from './activities';
import { driveLoad, loadOptionsFromArgs, reportAndStop, stringArg } from './peer-load';

/**
 * DBOS Transact's side of `npm run bench -- peer`: the engine benchmark's shape as a DBOS workflow
 * (one step, the same function as the Temporal activity; a 50 ms durable `DBOS.sleep`; then
 * `DBOS.recv` of the message the driver sends with `DBOS.send`), run by the DBOS library in this
 * process, which is also the driver, with its system database at `--db-url`. DBOS's defaults
 * otherwise (its pool of 10 connections, LISTEN/NOTIFY for recv) unless `--pool` is given.
 */

const touchStep = DBOS.registerStep(touch, { name: 'touch' });

async function benchCaseBody(): Promise<void> {
  await touchStep();
  await DBOS.sleep(50);
  // recv always has a durable deadline (60 s when none is given): reaching it is a failure here.
  const go = await DBOS.recv<string>('go');
  if (go === null) throw new Error('benchCase: no "go" message within 60 s');
}

const benchCase = DBOS.registerWorkflow(benchCaseBody, { name: 'benchCase' });

async function main(): Promise<void> {
  const options = loadOptionsFromArgs();
  const pool = process.argv.includes('--pool') ? Number(stringArg('pool')) : undefined;
  DBOS.setConfig({
    name: 'bench-peer',
    systemDatabaseUrl: stringArg('db-url'),
    ...(pool ? { systemDatabasePoolSize: pool } : {}),
    logLevel: 'error',
  });
  await DBOS.launch();
  const result = await driveLoad(options, async (workflowID) => {
    const handle = await DBOS.startWorkflow(benchCase, { workflowID })();
    await DBOS.send(workflowID, 'go', 'go');
    await handle.getResult();
  });
  await reportAndStop(result, () => DBOS.shutdown());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
