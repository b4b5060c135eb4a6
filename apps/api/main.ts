import { runStandalone } from '../launcher/run-standalone';

/** The API alone (a worker runs elsewhere): `npm run start:api`. */
runStandalone({ worker: false, api: true });
