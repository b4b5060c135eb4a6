import { runStandalone } from '../launcher/run-standalone';

/** The worker alone (the API runs elsewhere): `npm run start:worker`. */
runStandalone({ worker: true, api: false });
