/** What the forms offer (procedures with their API paths, the objection's codes), once per sign-in. */
import { api } from './api.mjs';

let reference = null;

export async function loadReference() {
  reference ??= await api('/api/console/reference');
  return reference;
}

export function forgetReference() {
  reference = null;
}
