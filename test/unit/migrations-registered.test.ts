import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { MIGRATIONS } from '../../infra/database/migrations';

describe('migrations', () => {
  it('registers every migration file, in timestamp order', () => {
    const files = readdirSync(path.resolve(__dirname, '../../infra/database/migrations'))
      .filter((f) => /^\d{13}-.*\.ts$/.test(f))
      .sort();
    const timestamps = MIGRATIONS.map((m) => /(\d{13})$/.exec(m.name)?.[1]);
    expect(timestamps).toEqual(files.map((f) => f.slice(0, 13)));
  });
});
