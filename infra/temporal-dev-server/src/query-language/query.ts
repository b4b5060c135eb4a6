/**
 * Temporal's visibility query language (the SQL-like `WHERE` part of List/CountWorkflowExecutions):
 * comparisons (=, !=, <, >, <=, >=), IN, BETWEEN ... AND, STARTS_WITH, IS [NOT] NULL, AND, OR,
 * parentheses, ORDER BY, and GROUP BY ExecutionStatus for counts.
 */
export type Value = string | number | boolean;

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'cmp'; field: string; op: '=' | '!=' | '<' | '>' | '<=' | '>='; value: Value }
  | { kind: 'in'; field: string; values: Value[]; negated: boolean }
  | { kind: 'between'; field: string; low: Value; high: Value }
  | { kind: 'starts'; field: string; prefix: string }
  | { kind: 'null'; field: string; negated: boolean };

export interface ParsedQuery {
  where?: Expr;
  orderBy?: { field: string; desc: boolean };
  groupBy?: string;
}

export class QueryError extends Error {}

type Token = { t: 'word' | 'str' | 'num' | 'op' | 'lp' | 'rp' | 'comma'; v: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < input.length && input[j] !== c) {
        if (input[j] === '\\' && j + 1 < input.length) j++;
        s += input[j++];
      }
      if (j >= input.length) throw new QueryError(`unterminated string starting at position ${i}`);
      tokens.push({ t: 'str', v: s });
      i = j + 1;
    } else if (c === '(') {
      tokens.push({ t: 'lp', v: c });
      i++;
    } else if (c === ')') {
      tokens.push({ t: 'rp', v: c });
      i++;
    } else if (c === ',') {
      tokens.push({ t: 'comma', v: c });
      i++;
    } else if ('=!<>'.includes(c)) {
      const two = input.slice(i, i + 2);
      const op = ['!=', '<=', '>=', '<>'].includes(two) ? two : c;
      if (op === '!') throw new QueryError(`unexpected "!" at position ${i}`);
      tokens.push({ t: 'op', v: op === '<>' ? '!=' : op });
      i += op.length;
    } else if (/[-\d.]/.test(c) && /^-?\d/.test(input.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(input.slice(i))!;
      tokens.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_`]/.test(c)) {
      const m = /^`([^`]+)`|^[A-Za-z_][A-Za-z0-9_.]*/.exec(input.slice(i))!;
      tokens.push({ t: 'word', v: m[1] ?? m[0] });
      i += m[0].length;
    } else {
      throw new QueryError(`unexpected character "${c}" at position ${i}`);
    }
  }
  return tokens;
}

export function parseQuery(input: string | undefined): ParsedQuery {
  const tokens = tokenize(input ?? '');
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => peek()?.t === 'word' && peek()!.v.toUpperCase() === w;
  const expectWord = (w: string) => {
    if (!isWord(w))
      throw new QueryError(`expected ${w}${peek() ? ` but found "${peek()!.v}"` : ' at the end'}`);
    pos++;
  };
  const field = (): string => {
    const tok = tokens[pos++];
    if (!tok || tok.t !== 'word')
      throw new QueryError(`expected a search attribute name${tok ? ` but found "${tok.v}"` : ''}`);
    return tok.v;
  };
  const value = (): Value => {
    const tok = tokens[pos++];
    if (!tok) throw new QueryError('expected a value at the end of the query');
    if (tok.t === 'str') return tok.v;
    if (tok.t === 'num') return Number(tok.v);
    if (tok.t === 'word' && ['TRUE', 'FALSE'].includes(tok.v.toUpperCase()))
      return tok.v.toUpperCase() === 'TRUE';
    throw new QueryError(`expected a value but found "${tok.v}"`);
  };
  const primary = (): Expr => {
    if (peek()?.t === 'lp') {
      pos++;
      const inner = or();
      if (peek()?.t !== 'rp') throw new QueryError('missing closing parenthesis');
      pos++;
      return inner;
    }
    const name = field();
    if (peek()?.t === 'op') {
      const op = tokens[pos++].v as '=' | '!=' | '<' | '>' | '<=' | '>=';
      return { kind: 'cmp', field: name, op, value: value() };
    }
    if (isWord('NOT') || isWord('IN')) {
      const negated = isWord('NOT');
      if (negated) pos++;
      expectWord('IN');
      if (peek()?.t !== 'lp') throw new QueryError('IN needs a parenthesised list of values');
      pos++;
      const values = [value()];
      while (peek()?.t === 'comma') {
        pos++;
        values.push(value());
      }
      if (peek()?.t !== 'rp') throw new QueryError('missing closing parenthesis after IN list');
      pos++;
      return { kind: 'in', field: name, values, negated };
    }
    if (isWord('BETWEEN')) {
      pos++;
      const low = value();
      expectWord('AND');
      return { kind: 'between', field: name, low, high: value() };
    }
    if (isWord('STARTS_WITH')) {
      pos++;
      const prefix = value();
      if (typeof prefix !== 'string') throw new QueryError('STARTS_WITH needs a string');
      return { kind: 'starts', field: name, prefix };
    }
    if (isWord('IS')) {
      pos++;
      const negated = isWord('NOT');
      if (negated) pos++;
      expectWord('NULL');
      return { kind: 'null', field: name, negated };
    }
    throw new QueryError(`expected an operator after "${name}"`);
  };
  const and = (): Expr => {
    let left = primary();
    while (isWord('AND')) {
      pos++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): Expr => {
    let left = and();
    while (isWord('OR')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  const result: ParsedQuery = {};
  if (pos < tokens.length && !isWord('ORDER') && !isWord('GROUP')) result.where = or();
  if (isWord('GROUP')) {
    pos++;
    expectWord('BY');
    result.groupBy = field();
    if (result.groupBy !== 'ExecutionStatus') throw new QueryError('GROUP BY supports ExecutionStatus only');
  }
  if (isWord('ORDER')) {
    pos++;
    expectWord('BY');
    const f = field();
    let desc = false;
    if (isWord('DESC') || isWord('ASC')) desc = tokens[pos++].v.toUpperCase() === 'DESC';
    result.orderBy = { field: f, desc };
  }
  if (pos < tokens.length) throw new QueryError(`unexpected "${tokens[pos].v}"`);
  return result;
}

/** Evaluates a parsed filter against one execution's attribute values. */
export function matches(
  expr: Expr | undefined,
  get: (field: string) => Value | Value[] | undefined,
): boolean {
  if (!expr) return true;
  const compare = (a: Value, b: Value): number => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  };
  const any = (field: string, test: (v: Value) => boolean) => {
    const v = get(field);
    if (v === undefined) return false;
    return Array.isArray(v) ? v.some(test) : test(v);
  };
  switch (expr.kind) {
    case 'and':
      return matches(expr.left, get) && matches(expr.right, get);
    case 'or':
      return matches(expr.left, get) || matches(expr.right, get);
    case 'cmp':
      if (expr.op === '!=')
        return !any(expr.field, (v) => compare(v, expr.value) === 0) && get(expr.field) !== undefined;
      return any(expr.field, (v) => {
        const c = compare(v, expr.value);
        return expr.op === '='
          ? c === 0
          : expr.op === '<'
            ? c < 0
            : expr.op === '>'
              ? c > 0
              : expr.op === '<='
                ? c <= 0
                : c >= 0;
      });
    case 'in': {
      const hit = any(expr.field, (v) => expr.values.some((x) => compare(v, x) === 0));
      return expr.negated ? !hit && get(expr.field) !== undefined : hit;
    }
    case 'between':
      return any(expr.field, (v) => compare(v, expr.low) >= 0 && compare(v, expr.high) <= 0);
    case 'starts':
      return any(expr.field, (v) => String(v).startsWith(expr.prefix));
    case 'null': {
      const v = get(expr.field);
      const isNull = v === undefined || (Array.isArray(v) && v.length === 0);
      return expr.negated ? !isNull : isNull;
    }
  }
}

/** The fields an expression names (to check they exist before evaluating). */
export function fieldsOf(expr: Expr | undefined): string[] {
  if (!expr) return [];
  if ('left' in expr) return [...fieldsOf(expr.left), ...fieldsOf(expr.right)];
  return [expr.field];
}
