/** The roles a token can carry (see shared domain: 经办人, 信息提供单位, 负责人/信用办, 管理员). */
export const ROLES = ['caseworker', 'provider', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES_ZH: Record<Role, string> = {
  caseworker: '经办人',
  provider: '信息提供单位',
  supervisor: '负责人',
  admin: '系统管理员',
};

/**
 * Who is calling, taken from a verified bearer token. The token names its department by code
 * within its jurisdiction (workflows/reference/directory.ts); `department` is the directory's
 * canonical name for it, which case and record rows store. A principal never carries a free name.
 */
export interface Principal {
  sub: string;
  roles: Role[];
  /** The department's code in the directory (claim `department`). */
  departmentCode?: string;
  /** The department's full name from the directory; set exactly when `departmentCode` is. */
  department?: string;
  /** A jurisdiction code of the directory; always set when a department is. */
  jurisdiction?: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
