/**
 * A rule of the registry refused the request. Framework-free so the same services serve the API
 * (rendered as { code, message, details } with the status for its kind) and Temporal activities
 * (turned into non-retryable failures: retrying cannot make bad input good).
 */
export type RegistryErrorKind = 'bad-input' | 'forbidden' | 'not-found' | 'conflict' | 'invalid-transition';

export class RegistryError extends Error {
  constructor(
    readonly kind: RegistryErrorKind,
    /** Stable UPPER_SNAKE code. */
    readonly code: string,
    /** Simplified Chinese, for caseworkers. */
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export const REGISTRY_ERROR_STATUS: Record<RegistryErrorKind, number> = {
  'bad-input': 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'invalid-transition': 422,
};
