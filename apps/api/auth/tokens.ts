import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../../../infra/config/config';
import { isRole, Principal, Role } from './roles';
import type { SigningKeys } from './signing-keys';

export const JWT_ALGORITHM = 'ES256';

export interface IssueTokenInput {
  sub: string;
  roles: Role[];
  department?: string;
  jurisdiction?: string;
  /** Lifetime such as '8h' or seconds. */
  expiresIn?: string | number;
}

/** Signs and verifies the bearer tokens of this service (ES256, issuer and audience checked). */
export class TokenService {
  private readonly jwt: JwtService;

  constructor(
    private readonly keys: SigningKeys,
    private readonly auth: Pick<AppConfig['auth'], 'issuer' | 'audience'>,
  ) {
    this.jwt = new JwtService({});
  }

  issue(input: IssueTokenInput): string {
    if (!this.keys.privateKey)
      throw new Error('no private signing key configured: this deployment cannot mint tokens');
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

  /** Returns the principal, or throws when the token is invalid, expired or malformed. */
  verify(token: string): Principal {
    const claims = this.jwt.verify<Record<string, unknown>>(token, {
      algorithms: [JWT_ALGORITHM],
      publicKey: this.keys.publicKey,
      issuer: this.auth.issuer,
      audience: this.auth.audience,
    });
    const roles = claims.roles;
    if (typeof claims.sub !== 'string' || !claims.sub) throw new Error('token has no subject');
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
      throw new Error('token roles are missing or unknown');
    }
    return {
      sub: claims.sub,
      roles,
      department: typeof claims.department === 'string' ? claims.department : undefined,
      jurisdiction: typeof claims.jurisdiction === 'string' ? claims.jurisdiction : undefined,
    };
  }
}
