import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../../../infra/config/config';
import { departmentByCode, DIRECTORY, jurisdictionByCode } from '../../../workflows/reference/directory';
import { isRole, Principal, Role } from './roles';
import type { SigningKeys } from './signing-keys';

export const JWT_ALGORITHM = 'ES256';

export interface IssueTokenInput {
  sub: string;
  roles: Role[];
  /** The department's CODE in the directory, within `jurisdiction`. */
  department?: string;
  jurisdiction?: string;
  /** Lifetime such as '8h' or seconds. */
  expiresIn?: string | number;
}

/**
 * A token whose signature and dates are fine but whose claims do not name a known caller; the
 * message (Chinese) says which claim, and is safe to show: it repeats only what the token says.
 */
export class InvalidTokenClaims extends Error {}

/**
 * Checks the department and jurisdiction claims against the directory and resolves the
 * department code to its canonical name. Throws InvalidTokenClaims when a claim is unknown, a
 * department comes without its jurisdiction, or a supervisor names no jurisdiction (only an
 * administrator's token may act for every jurisdiction).
 */
export function resolveClaims(claims: {
  roles: Role[];
  department?: string;
  jurisdiction?: string;
}): Pick<Principal, 'department' | 'departmentCode' | 'jurisdiction'> {
  const { department: code, jurisdiction } = claims;
  if (jurisdiction !== undefined && !jurisdictionByCode(jurisdiction)) {
    throw new InvalidTokenClaims(`访问令牌注明的辖区代码“${jurisdiction}”不在部门目录中。`);
  }
  if (code !== undefined && jurisdiction === undefined) {
    throw new InvalidTokenClaims(`访问令牌注明了部门代码“${code}”，但未注明所属辖区，无法确定是哪个部门。`);
  }
  if (claims.roles.includes('supervisor') && jurisdiction === undefined && !claims.roles.includes('admin')) {
    throw new InvalidTokenClaims('负责人的访问令牌须注明所属辖区（jurisdiction）。');
  }
  if (code === undefined) return { jurisdiction };
  const department = departmentByCode(jurisdiction!, code);
  if (!department) {
    throw new InvalidTokenClaims(
      `部门代码“${code}”在辖区“${jurisdictionByCode(jurisdiction!)!.name}”（${jurisdiction}）中不存在。`,
    );
  }
  return { departmentCode: department.code, department: department.name, jurisdiction };
}

const optionalString = (value: unknown, claim: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value) throw new InvalidTokenClaims(`访问令牌的 ${claim} 声明格式有误。`);
  return value;
};

/** Signs and verifies the bearer tokens of this service (ES256, issuer and audience checked). */
export class TokenService {
  private readonly jwt: JwtService;

  constructor(
    private readonly keys: SigningKeys,
    private readonly auth: Pick<AppConfig['auth'], 'issuer' | 'audience'>,
  ) {
    this.jwt = new JwtService({});
  }

  /** Signs a token; the claims must resolve in the directory (the same check `verify` makes). */
  issue(input: IssueTokenInput): string {
    if (!this.keys.privateKey)
      throw new Error('no private signing key configured: this deployment cannot mint tokens');
    resolveClaims(input);
    const payload: Record<string, unknown> = { roles: input.roles };
    if (input.department) payload.department = input.department;
    if (input.jurisdiction) payload.jurisdiction = input.jurisdiction;
    return this.jwt.sign(payload, {
      algorithm: JWT_ALGORITHM,
      privateKey: this.keys.privateKey,
      subject: input.sub,
      issuer: this.auth.issuer,
      audience: this.auth.audience,
      expiresIn: (input.expiresIn ?? '8h') as number,
    });
  }

  /**
   * Returns the principal, or throws when the token is invalid, expired or malformed
   * (InvalidTokenClaims when only its claims are wrong).
   */
  verify(token: string): Principal {
    const claims = this.jwt.verify<Record<string, unknown>>(token, {
      algorithms: [JWT_ALGORITHM],
      publicKey: this.keys.publicKey,
      issuer: this.auth.issuer,
      audience: this.auth.audience,
    });
    const roles = claims.roles;
    if (typeof claims.sub !== 'string' || !claims.sub)
      throw new InvalidTokenClaims('访问令牌缺少用户标识（sub）。');
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
      throw new InvalidTokenClaims('访问令牌未注明角色，或注明了未知的角色。');
    }
    return {
      sub: claims.sub,
      roles,
      ...resolveClaims({
        roles,
        department: optionalString(claims.department, 'department'),
        jurisdiction: optionalString(claims.jurisdiction, 'jurisdiction'),
      }),
    };
  }
}

/**
 * Why a --jurisdiction/--department pair (of `npm run token`) is not in the directory, listing
 * the valid codes; undefined when it is.
 */
export function directoryRefusal(
  jurisdiction: string | undefined,
  department: string | undefined,
): string | undefined {
  const jurisdictions = DIRECTORY.map((j) => `${j.code}（${j.name}）`).join('、');
  if (jurisdiction !== undefined && !jurisdictionByCode(jurisdiction)) {
    return `未知的辖区代码“${jurisdiction}”。可用的辖区代码：${jurisdictions}`;
  }
  if (department === undefined) return undefined;
  if (jurisdiction === undefined) {
    return `--department 须与 --jurisdiction 一起使用（部门代码只在所属辖区内唯一）。可用的辖区代码：${jurisdictions}`;
  }
  if (departmentByCode(jurisdiction, department)) return undefined;
  const valid = jurisdictionByCode(jurisdiction)!
    .departments.map((d) => `${d.code}（${d.name}）`)
    .join('、');
  return `部门代码“${department}”在辖区 ${jurisdiction} 中不存在。该辖区的部门代码：${valid}`;
}
