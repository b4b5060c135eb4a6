/** Injection token of the Registry services object (see activities/registry createRegistry). */
export const REGISTRY = Symbol('REGISTRY');
