import { ApplicationFailure } from '@temporalio/common';
import { RegistryError } from '../registry/registry-error';

/**
 * Runs an activity's registry work; a refusal by a registry rule becomes a non-retryable
 * failure carrying the registry's code as its type (retrying cannot make bad input good), which
 * the case kit's `effect` puts on file. Other errors are retried as usual.
 */
export async function registryRefusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof RegistryError)) throw err;
    throw ApplicationFailure.create({
      message: err.message,
      type: err.code,
      nonRetryable: true,
      details: err.details === undefined ? [] : [err.details],
    });
  }
}
