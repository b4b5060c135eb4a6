import { status } from '@grpc/grpc-js';
import { RpcError } from '../errors';
import { enumMap, Msg } from '../proto';
import { fieldsOf, matches, parseQuery, QueryError, type Expr, type Value } from '../query-language/query';
import type { VisibilityFilter } from '../storage/storage';

export const IndexedValueType = enumMap('IndexedValueType', 'INDEXED_VALUE_TYPE_', [
  'TEXT',
  'KEYWORD',
  'INT',
  'DOUBLE',
  'BOOL',
  'DATETIME',
  'KEYWORD_LIST',
] as const);

/** Built-in attributes every execution has. */
export const SYSTEM_ATTRIBUTES: Record<string, number> = {
  WorkflowId: IndexedValueType.KEYWORD,
  RunId: IndexedValueType.KEYWORD,
  WorkflowType: IndexedValueType.KEYWORD,
  ExecutionStatus: IndexedValueType.KEYWORD,
  StartTime: IndexedValueType.DATETIME,
  CloseTime: IndexedValueType.DATETIME,
  ExecutionTime: IndexedValueType.DATETIME,
  TaskQueue: IndexedValueType.KEYWORD,
  HistoryLength: IndexedValueType.INT,
  ParentWorkflowId: IndexedValueType.KEYWORD,
  // Predefined attributes the SDKs and server features set like custom ones (e.g. `patched()`
  // upserts TemporalChangeVersion): defined in every namespace, stored with the run's attributes.
  TemporalChangeVersion: IndexedValueType.KEYWORD_LIST,
  BinaryChecksums: IndexedValueType.KEYWORD_LIST,
  BuildIds: IndexedValueType.KEYWORD_LIST,
  BatcherUser: IndexedValueType.KEYWORD,
  BatcherNamespace: IndexedValueType.KEYWORD,
  TemporalScheduledStartTime: IndexedValueType.DATETIME,
  TemporalScheduledById: IndexedValueType.KEYWORD,
  TemporalSchedulePaused: IndexedValueType.BOOL,
  TemporalNamespaceDivision: IndexedValueType.KEYWORD,
};

const STATUS_NAMES = [
  '',
  'Running',
  'Completed',
  'Failed',
  'Canceled',
  'Terminated',
  'ContinuedAsNew',
  'TimedOut',
];

/** What visibility needs to know of a run. */
export interface VisibleRun {
  workflowId: string;
  runId: string;
  workflowType: Msg;
  status: number;
  startTime: number;
  executionTime: number;
  closeTime?: number;
  taskQueue: string;
  nextEventId: number;
  parent?: { workflowId: string };
  searchAttributes: Msg;
}

/** Custom search attributes registered per namespace (OperatorService). */
export class SearchAttributeRegistry {
  private readonly byNamespace = new Map<string, Map<string, number>>();

  add(namespace: string, attributes: Record<string, number>): void {
    const registered = this.of(namespace);
    for (const [name, type] of Object.entries(attributes)) {
      if (SYSTEM_ATTRIBUTES[name] !== undefined) {
        throw new RpcError(status.INVALID_ARGUMENT, `Search attribute ${name} is reserved by the system.`);
      }
      if (!Object.values(IndexedValueType).includes(type)) {
        throw new RpcError(status.INVALID_ARGUMENT, `Unknown search attribute type ${type} for ${name}.`);
      }
      const existing = registered.get(name);
      if (existing !== undefined && existing !== type) {
        throw new RpcError(
          status.ALREADY_EXISTS,
          `Search attribute ${name} already exists with another type.`,
        );
      }
      registered.set(name, type);
    }
  }

  remove(namespace: string, names: string[]): void {
    const registered = this.of(namespace);
    for (const name of names) {
      if (!registered.delete(name))
        throw new RpcError(status.NOT_FOUND, `Search attribute ${name} does not exist.`);
    }
  }

  of(namespace: string): Map<string, number> {
    let m = this.byNamespace.get(namespace);
    if (!m) {
      m = new Map();
      this.byNamespace.set(namespace, m);
    }
    return m;
  }

  typeOf(namespace: string, name: string): number | undefined {
    return SYSTEM_ATTRIBUTES[name] ?? this.of(namespace).get(name);
  }

  /** Refuses search attributes that are not registered (as the real server does on start). */
  validate(namespace: string, searchAttributes: Msg | undefined): void {
    for (const name of Object.keys(searchAttributes?.indexedFields ?? {})) {
      if (this.typeOf(namespace, name) === undefined) {
        throw new RpcError(status.INVALID_ARGUMENT, `search attribute ${name} is not defined`);
      }
    }
  }
}

function decodePayload(payload: Msg | undefined): unknown {
  if (!payload?.data) return undefined;
  try {
    return JSON.parse(Buffer.from(payload.data).toString('utf8'));
  } catch {
    return undefined;
  }
}

function toValue(type: number | undefined, raw: unknown): Value | Value[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw)) {
    const values = raw
      .map((r) => toValue(type, r))
      .filter((v): v is Value => v !== undefined && !Array.isArray(v));
    return type === IndexedValueType.KEYWORD_LIST ? values : values[0];
  }
  if (type === IndexedValueType.DATETIME) {
    const ms = typeof raw === 'number' ? raw : Date.parse(String(raw));
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
  return undefined;
}

/** Datetime values in a query are compared as instants. */
function normalize(expr: Expr | undefined, typeOf: (field: string) => number | undefined): Expr | undefined {
  if (!expr) return expr;
  const dt = (field: string, v: Value): Value => {
    if (typeOf(field) !== IndexedValueType.DATETIME) return v;
    const ms = typeof v === 'number' ? v : Date.parse(String(v));
    if (Number.isNaN(ms)) throw new QueryError(`"${v}" is not a valid time for ${field}`);
    return ms;
  };
  switch (expr.kind) {
    case 'and':
    case 'or':
      return { ...expr, left: normalize(expr.left, typeOf)!, right: normalize(expr.right, typeOf)! };
    case 'cmp':
      return { ...expr, value: dt(expr.field, expr.value) };
    case 'in':
      return { ...expr, values: expr.values.map((v) => dt(expr.field, v)) };
    case 'between':
      return { ...expr, low: dt(expr.field, expr.low), high: dt(expr.field, expr.high) };
    default:
      return expr;
  }
}

/** The built-in attributes storage can select on, and the filter field each goes to. */
const FILTER_FIELDS: Record<string, keyof VisibilityFilter> = {
  WorkflowId: 'workflowIds',
  RunId: 'runIds',
  WorkflowType: 'workflowTypes',
  ExecutionStatus: 'statuses',
};

export class Visibility {
  constructor(readonly registry: SearchAttributeRegistry) {}

  /**
   * What storage can select before the query is evaluated: the `=` and `IN` conditions on
   * built-in columns that the whole query requires (found through its top-level ANDs). Rows
   * outside it cannot match; the rest are still checked with the whole query.
   */
  storageFilter(query: string | undefined): VisibilityFilter {
    let where: Expr | undefined;
    try {
      where = parseQuery(query).where;
    } catch {
      // The query is refused when it is evaluated, with the reason.
      return {};
    }
    const filter: VisibilityFilter = {};
    const add = (field: string, values: Value[]) => {
      const key = FILTER_FIELDS[field];
      if (!key || filter[key]) return;
      if (key === 'statuses') {
        filter.statuses = values.map((v) => STATUS_NAMES.indexOf(String(v))).filter((n) => n > 0);
      } else {
        (filter as Record<string, string[]>)[key] = values.map(String);
      }
    };
    const visit = (expr: Expr | undefined) => {
      if (!expr) return;
      if (expr.kind === 'and') {
        visit(expr.left);
        visit(expr.right);
      } else if (expr.kind === 'cmp' && expr.op === '=') {
        add(expr.field, [expr.value]);
      } else if (expr.kind === 'in' && !expr.negated) {
        add(expr.field, expr.values);
      }
    };
    visit(where);
    return filter;
  }

  private attribute(namespace: string, run: VisibleRun, field: string): Value | Value[] | undefined {
    switch (field) {
      case 'WorkflowId':
        return run.workflowId;
      case 'RunId':
        return run.runId;
      case 'WorkflowType':
        return run.workflowType?.name;
      case 'ExecutionStatus':
        return STATUS_NAMES[run.status];
      case 'StartTime':
        return run.startTime;
      case 'CloseTime':
        return run.closeTime;
      case 'ExecutionTime':
        return run.executionTime;
      case 'TaskQueue':
        return run.taskQueue;
      case 'HistoryLength':
        return run.nextEventId - 1;
      case 'ParentWorkflowId':
        return run.parent?.workflowId;
      default: {
        const payload = run.searchAttributes?.indexedFields?.[field];
        return toValue(this.registry.typeOf(namespace, field), decodePayload(payload));
      }
    }
  }

  private filter<R extends VisibleRun>(namespace: string, runs: Iterable<R>, query: string | undefined) {
    let parsed;
    try {
      parsed = parseQuery(query);
      for (const field of [...fieldsOf(parsed.where), ...(parsed.orderBy ? [parsed.orderBy.field] : [])]) {
        if (this.registry.typeOf(namespace, field) === undefined) {
          throw new QueryError(`unknown or unsupported search attribute ${field}`);
        }
      }
      parsed.where = normalize(parsed.where, (f) => this.registry.typeOf(namespace, f));
    } catch (err) {
      if (err instanceof QueryError)
        throw new RpcError(status.INVALID_ARGUMENT, `invalid query: ${err.message}`);
      throw err;
    }
    const where = parsed.where;
    const selected = [...runs].filter((run) => matches(where, (f) => this.attribute(namespace, run, f)));
    return { parsed, selected };
  }

  list<R extends VisibleRun>(
    namespace: string,
    runs: Iterable<R>,
    query: string | undefined,
    pageSize: number,
    offset: number,
  ) {
    const { parsed, selected } = this.filter(namespace, runs, query);
    const order = parsed.orderBy ?? { field: 'StartTime', desc: true };
    const key = (run: R) => this.attribute(namespace, run, order.field);
    selected.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const c = x === y ? 0 : x === undefined ? 1 : y === undefined ? -1 : x < y ? -1 : 1;
      return (order.desc ? -c : c) || a.runId.localeCompare(b.runId);
    });
    const size = pageSize > 0 ? pageSize : 1000;
    const page = selected.slice(offset, offset + size);
    return { page, nextOffset: offset + size < selected.length ? offset + size : undefined };
  }

  count<R extends VisibleRun>(namespace: string, runs: Iterable<R>, query: string | undefined) {
    const { parsed, selected } = this.filter(namespace, runs, query);
    if (!parsed.groupBy) return { count: selected.length };
    const groups = new Map<string, number>();
    for (const run of selected) {
      const name = STATUS_NAMES[run.status];
      groups.set(name, (groups.get(name) ?? 0) + 1);
    }
    return {
      count: selected.length,
      groups: [...groups.entries()].map(([value, count]) => ({ value, count })),
    };
  }
}
