import { parseArgs } from 'node:util';
import { loadConfig } from '../../../infra/config/config';
import { isRole, ROLES } from './roles';
import { loadSigningKeys } from './signing-keys';
import { TokenService } from './tokens';

/**
 * `npm run token -- --role supervisor [--role admin] [--sub zhang.san] [--department 信用办]
 * [--jurisdiction xinzheng] [--ttl 8h]` prints a bearer token signed with this installation's key.
 */
function main(): void {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      sub: { type: 'string' },
      department: { type: 'string' },
      jurisdiction: { type: 'string' },
      ttl: { type: 'string', default: '8h' },
    },
  });
  const roles = values.role ?? [];
  const unknown = roles.filter((r) => !isRole(r));
  if (roles.length === 0 || unknown.length > 0) {
    console.error(
      `请用 --role 指定角色（可多次）：${ROLES.join(' | ')}${unknown.length ? `；未知角色：${unknown.join(', ')}` : ''}`,
    );
    process.exit(2);
  }
  const config = loadConfig();
  const tokens = new TokenService(loadSigningKeys(config.auth), config.auth);
  process.stdout.write(
    tokens.issue({
      sub: values.sub ?? `${roles[0]}.demo`,
      roles: roles.filter(isRole),
      department: values.department,
      jurisdiction: values.jurisdiction,
      expiresIn: values.ttl,
    }) + '\n',
  );
}

main();
