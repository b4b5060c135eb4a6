/** The roles a token can carry (see shared domain: 经办人, 信息提供单位, 负责人/信用办, 管理员). */
export const ROLES = ['caseworker', 'provider', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES_ZH: Record<Role, string> = {
  caseworker: '经办人',
  provider: '信息提供单位',
  supervisor: '负责人',
  admin: '系统管理员',
};

/** Who is calling, taken from a verified bearer token. */
export interface Principal {
  sub: string;
  roles: Role[];
  department?: string;
  jurisdiction?: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
