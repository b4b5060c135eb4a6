import { runStandalone } from '../../infra/run-standalone';

/** The API alone (a worker runs elsewhere): `npm run start:api`. */
runStandalone({ worker: false, api: true });
