import type { GraphQLError } from 'graphql';
import { badUserInput } from './errors.js';

/**
 * Relay-style cursor connections over keyset pagination. A cursor is the sort key of
 * the last row seen (e.g. `[receivedOn, id]`), so a page stays stable while rows are
 * inserted before it — unlike OFFSET, which shifts.
 */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface PageRequest {
  /** Rows the client asked for. */
  size: number;
  /** Sort key of the last row of the previous page, or null for the first page. */
  after: CursorKey | null;
}

export type CursorKey = readonly (string | number)[];

export interface PageLimits {
  defaultSize?: number;
  maxSize?: number;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The error for a cursor this connection did not make: the client's mistake, not a database error. */
export function notACursor(): GraphQLError {
  return badUserInput('after', 'not a cursor returned by this connection');
}

/** Decodes a cursor made by `encodeCursor` with `arity` parts; anything else is bad input. */
export function decodeCursor(cursor: string, arity: number): CursorKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const valid =
    Array.isArray(key) &&
    key.length === arity &&
    key.every((part) => typeof part === 'string' || typeof part === 'number');
  if (!valid) throw notACursor();
  return key as CursorKey;
}

export function readPageArgs(args: PageArgs, arity: number, limits: PageLimits = {}): PageRequest {
  const maxSize = limits.maxSize ?? MAX_PAGE_SIZE;
  const size = args.first ?? limits.defaultSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > maxSize) {
    throw badUserInput('first', `must be an integer from 0 to ${maxSize}; got ${size}`);
  }
  return { size, after: args.after ? decodeCursor(args.after, arity) : null };
}

export interface Connection<Node> {
  edges: { cursor: string; node: Node }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  /**
   * Counted only when selected (a getter: GraphQL reads it only then), and once:
   * counting is a second query. Never spread a connection — that would read it.
   */
  readonly totalCount: Promise<number>;
}

/**
 * Builds a connection from rows fetched with `limit size + 1`: the extra row only
 * tells whether a next page exists.
 */
export function toConnection<Row>(
  rows: readonly Row[],
  page: PageRequest,
  cursorKeyOf: (row: Row) => CursorKey,
  countAll: () => Promise<number>,
): Connection<Row> {
  const pageRows = rows.slice(0, page.size);
  const edges = pageRows.map((node) => ({ cursor: encodeCursor(cursorKeyOf(node)), node }));
  let total: Promise<number> | undefined;
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.size,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    // Promise.resolve adopts a lazy thenable (drizzle's $count) once: one count query,
    // however often GraphQL awaits the value.
    get totalCount() {
      return (total ??= Promise.resolve(countAll()));
    },
  };
}
