import type * as protobuf from 'protobufjs';

/**
 * The Temporal API descriptors shipped with @temporalio/proto (the same ones the SDK uses).
 * Messages are handled as plain objects (`toObject` with int64 as numbers and enums as numbers);
 * enum numbers always come from the descriptor, never from hand-written tables.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const root: protobuf.Root = require('@temporalio/proto/protos/json-module.js');

// Protocol messages are free-form objects: the descriptor is the schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Msg = Record<string, any>;

const typeCache = new Map<string, protobuf.Type>();
export function type(name: string): protobuf.Type {
  let t = typeCache.get(name);
  if (!t) {
    t = root.lookupType(name);
    typeCache.set(name, t);
  }
  return t;
}

export function decode(t: protobuf.Type, buf: Buffer): Msg {
  return t.toObject(t.decode(buf), { longs: Number, enums: Number, defaults: false });
}

export function encode(t: protobuf.Type, obj: Msg): Buffer {
  return Buffer.from(t.encode(t.fromObject(obj)).finish());
}

function enumValues(name: string): Record<string, number> {
  return root.lookupEnum(name).values;
}

/** `enumValue('EventType', 'EVENT_TYPE_TIMER_FIRED')` → the descriptor's number. */
export function enumValue(enumName: string, valueName: string): number {
  const value = enumValues(`temporal.api.enums.v1.${enumName}`)[valueName];
  if (value === undefined) throw new Error(`unknown enum value ${enumName}.${valueName}`);
  return value;
}

export function enumName(enumName: string, value: number): string {
  const values = enumValues(`temporal.api.enums.v1.${enumName}`);
  return Object.keys(values).find((k) => values[k] === value) ?? String(value);
}

/** Builds a name → number map for every value of an enum, with the common prefix removed. */
export function enumMap<const N extends string>(
  enumName: string,
  prefix: string,
  names: readonly N[],
): Record<N, number> {
  return Object.fromEntries(names.map((n) => [n, enumValue(enumName, `${prefix}${n}`)])) as Record<N, number>;
}

export interface Timestamp {
  seconds: number;
  nanos?: number;
}

export function toTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function fromTimestamp(ts: Timestamp | undefined): number | undefined {
  if (!ts) return undefined;
  return (ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** Duration → milliseconds; absent or zero means "not set". */
export function durationMs(d: Timestamp | undefined | null): number | undefined {
  if (!d) return undefined;
  const ms = (d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
  return ms > 0 ? ms : undefined;
}

export function toDuration(ms: number): Timestamp {
  return toTimestamp(ms);
}

/** Packs a message into google.protobuf.Any. */
export function packAny(typeName: string, obj: Msg): Msg {
  // google.protobuf.Any keeps its snake_case field name in the descriptor.
  return { type_url: `type.googleapis.com/${typeName}`, value: encode(type(typeName), obj) };
}

export function unpackAny(any: Msg | undefined): { typeName: string; value: Msg } | undefined {
  const url = any?.type_url ?? any?.typeUrl;
  if (!url) return undefined;
  const typeName = String(url).replace(/^.*\//, '');
  return { typeName, value: decode(type(typeName), Buffer.from(any?.value ?? [])) };
}
