import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../../infra/config/config';
import { isRole, ROLE_NAMES_ZH, ROLES } from './roles';
import { loadSigningKeys } from './signing-keys';
import { directoryRefusal, TokenService } from './tokens';

/**
 * `npm run token -- --role supervisor [--role admin] [--sub zhang.san] [--jurisdiction ningjin]
 * [--department xyb] [--ttl 8h]` prints a bearer token signed with this installation's key.
 * `--help` prints the usage; a wrong call prints it to stderr and exits 2 (no stack trace).
 */

/** Every option, in the order the usage lists them: parseArgs' table and the help text in one place. */
const OPTIONS = {
  role: {
    type: 'string',
    multiple: true,
    value: '<角色>',
    help: `角色，必填，可重复：${ROLES.map((r) => `${r}（${ROLE_NAMES_ZH[r]}）`).join('、')}`,
  },
  sub: {
    type: 'string',
    multiple: false,
    value: '<用户名>',
    help: '令牌主体（sub），默认 <第一个角色>.demo',
  },
  department: {
    type: 'string',
    multiple: false,
    value: '<部门代码>',
    help: '所属部门在部门目录中的代码（如 xyb），须同时给出 --jurisdiction；可省略',
  },
  jurisdiction: {
    type: 'string',
    multiple: false,
    value: '<辖区代码>',
    help: '所属辖区代码（如 ningjin）；负责人必填，其他角色可省略',
  },
  ttl: {
    type: 'string',
    multiple: false,
    value: '<时长>',
    help: '有效期：数字加单位 s/m/h/d（如 30m、8h、7d），只写数字为秒，默认 8h',
  },
  help: { type: 'boolean', multiple: false, short: 'h', value: '', help: '显示本说明' },
} as const;

/** Columns a terminal gives the text: CJK characters take two. */
function displayWidth(text: string): number {
  return [...text].reduce((width, char) => width + (char.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0);
}

const USAGE = [
  '用法：npm run token -- --role <角色> [--role <角色> …] [选项]',
  '',
  '签发一个用本机签名密钥签名的 Bearer 令牌（ES256），打印到标准输出。',
  '',
  '选项：',
  ...Object.entries(OPTIONS).map(([name, o]) => {
    const flag = `${'short' in o ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return `  ${flag}${' '.repeat(Math.max(2, 32 - displayWidth(flag)))}${o.help}`;
  }),
  '',
  '示例：',
  '  npm run token -- --role supervisor --jurisdiction ningjin',
  '  npm run token -- --role caseworker --jurisdiction ningjin --department xyb --sub zhang.san --ttl 30m',
  '',
  '辖区和部门代码：GET /api/jurisdictions（部门目录，workflows/reference/directory.ts）。',
  '调用 API：curl -H "Authorization: Bearer <令牌>" http://localhost:3000/api/me',
].join('\n');

/** Thrown for a wrong call: the message, then the usage, exit code 2. */
class UsageError extends Error {}

/** `8h`, `30m`, `7d`, `90s` or a number of seconds; anything else is refused (jsonwebtoken would read `120` as ms). */
function parseTtl(ttl: string): string | number {
  const match = /^(\d+)([smhd]?)$/.exec(ttl.trim());
  if (!match || Number(match[1]) === 0) {
    throw new UsageError(`--ttl 的值「${ttl}」无效：应为正整数加单位 s/m/h/d（如 30m、8h、7d），或秒数`);
  }
  return match[2] ? `${match[1]}${match[2]}` : Number(match[1]);
}

/** parseArgs' refusals in Chinese, naming the argument it quotes. */
function parseArgsProblem(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `未知选项：${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
      return /does not take/.test(error.message) ? `选项 ${option} 不带值` : `选项 ${option} 需要一个值`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `多余的参数：${quoted}（每个值都要跟在选项后面，如 --role ${quoted}）`;
    default:
      return `参数有误：${error.message}`;
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      // The extra keys (value, help) are the usage's; parseArgs reads type, multiple and short.
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(parseArgsProblem(error as Error & { code?: string }));
  }
}

function main(argv: string[]): void {
  const values = parse(argv);
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const roles = values.role ?? [];
  const unknown = roles.filter((r) => !isRole(r));
  if (roles.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `请用 --role 指定角色（可多次）：${ROLES.join(' | ')}${unknown.length ? `；未知角色：${unknown.join(', ')}` : ''}`,
    );
  }
  const expiresIn = parseTtl(values.ttl ?? '8h');
  const refusal = directoryRefusal(values.jurisdiction, values.department);
  if (refusal) throw new UsageError(refusal);
  const config = loadConfig();
  const tokens = new TokenService(loadSigningKeys(config.auth), config.auth);
  process.stdout.write(
    tokens.issue({
      sub: values.sub ?? `${roles[0]}.demo`,
      roles: roles.filter(isRole),
      department: values.department,
      jurisdiction: values.jurisdiction,
      expiresIn,
    }) + '\n',
  );
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  // Configuration or key problems: the message says what to fix; a stack trace would not.
  process.stderr.write(
    `无法签发令牌：${error instanceof ConfigError ? error.message : (error as Error).message}\n`,
  );
  process.exit(1);
}
