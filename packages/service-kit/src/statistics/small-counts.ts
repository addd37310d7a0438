import { isExternal, type Caller } from '../authorization/caller.js';
import { readConfig, smallCountThresholdVariable } from '../config.js';

/**
 * Small-count suppression for statistics that leave the mission (the external
 * contract): a count of fewer than k records (k = 5 by default) can point at a person
 * — two identifications in one municipality in one year — so it is withheld (`null`,
 * the row's `suppressed: true`). Suppressing the small cell alone is not enough: a
 * total (another query without that dimension) minus the shown cells of its line would
 * give it back. So, as statistical offices do, every line of the table (the cells that
 * differ in one dimension only) that holds one withheld cell gets a second one withheld
 * too (complementary suppression, the smallest other cell), repeated until every line
 * with a withheld cell has at least two. A count that is part of another
 * (exhumations within field operations) is withheld with it, and when the difference
 * between them is small. Zero is shown: "none" points at no one.
 *
 * What this does not do: protect against differencing two overlapping periods (the
 * same question for 1–30 June and 1–29 June gives one day's counts); feeds that need
 * that guarantee ask fixed periods. See docs/front-doors.md.
 */

/** `SMALL_COUNT_THRESHOLD` from `env`; a bad value is a ConfigError naming it. */
export function readSmallCountThreshold(env: Record<string, string | undefined>): number {
  return readConfig({ SMALL_COUNT_THRESHOLD: smallCountThresholdVariable }, env).SMALL_COUNT_THRESHOLD;
}

let threshold: number | undefined;
/** The process's threshold (validated at start by every subgraph: see `subgraphEnv`), read once. */
export function smallCountThreshold(): number {
  threshold ??= readSmallCountThreshold(process.env);
  return threshold;
}

/** `Withheld`: the fields that may be withheld (the measures and the figures derived from them). */
export interface SuppressionTable<Row, Withheld extends keyof Row = keyof Row> {
  /** The fields that key a cell (the grouped dimensions); none: a one-row table of totals. */
  dimensions: readonly (keyof Row)[];
  /** The counts. A measure `within` another counts a part of the other's records. */
  measures: readonly { name: Withheld; within?: Withheld }[];
  /** Figures computed from a measure's records (a median), withheld whenever that measure is. */
  derived?: readonly { name: Withheld; from: Withheld }[];
}

/** A row with its withheld figures null and `suppressed: true` when any was withheld; its keys stay as they are. */
export type Protected<Row, Withheld extends keyof Row = keyof Row> = {
  [K in keyof Row]: K extends Withheld ? Row[K] | null : Row[K];
} & { suppressed: boolean };

/**
 * Statistics as a caller may see them: through the external contract (the internal
 * token's `contract` claim) with small counts suppressed; internal callers, exact.
 */
export function protectStatistics<Row extends object, Withheld extends keyof Row>(
  caller: Caller,
  rows: readonly Row[],
  table: SuppressionTable<Row, Withheld>,
): Protected<Row, Withheld>[] {
  // An unsuppressed row is a Protected one with nothing withheld (TypeScript cannot see
  // through the mapped type: `Row[K]` is a `Row[K] | null`).
  return isExternal(caller) ? suppressSmallCounts(rows, table) : (unsuppressed(rows) as unknown as Protected<Row, Withheld>[]);
}

/** The figures as they are, flagged as not suppressed (internal callers). */
export function unsuppressed<Row extends object>(rows: readonly Row[]): (Row & { suppressed: false })[] {
  return rows.map((row) => ({ ...row, suppressed: false as const }));
}

export function suppressSmallCounts<Row extends object, Withheld extends keyof Row>(
  rows: readonly Row[],
  table: SuppressionTable<Row, Withheld>,
  k: number = smallCountThreshold(),
): Protected<Row, Withheld>[] {
  const withheld = rows.map(() => new Set<keyof Row>());
  const value = (index: number, measure: keyof Row) => Number(rows[index]![measure] ?? 0);
  const small = (count: number) => count > 0 && count < k;

  for (const measure of orderedMeasures(table.measures)) {
    const { name, within } = measure;
    rows.forEach((_, index) => {
      const count = value(index, name);
      const partOfWithheld = within !== undefined && withheld[index]!.has(within);
      const smallRest = within !== undefined && !partOfWithheld && small(value(index, within) - count);
      if (small(count) || partOfWithheld || smallRest) withheld[index]!.add(name);
    });
    complementLines(rows, table.dimensions, name, withheld, value);
  }
  for (const { name, from } of table.derived ?? []) {
    rows.forEach((_, index) => {
      if (withheld[index]!.has(from)) withheld[index]!.add(name);
    });
  }
  return rows.map((row, index) => {
    const out = { ...row, suppressed: withheld[index]!.size > 0 } as Protected<Row, Withheld>;
    for (const name of withheld[index]!) (out as Record<keyof Row, unknown>)[name] = null;
    return out;
  });
}

/** Containing measures before their parts, so a part sees its whole's final state. */
function orderedMeasures<Key>(measures: readonly { name: Key; within?: Key }[]) {
  const ordered: (typeof measures)[number][] = [];
  const visit = (measure: (typeof measures)[number]) => {
    if (ordered.includes(measure)) return;
    const whole = measures.find((candidate) => candidate.name === measure.within);
    if (whole) visit(whole);
    ordered.push(measure);
  };
  measures.forEach(visit);
  return ordered;
}

/**
 * Until every line with a withheld cell has two (or is the only cell of its line):
 * withhold, beside a lone withheld cell, the smallest other non-zero cell of its line.
 */
function complementLines<Row>(
  rows: readonly Row[],
  dimensions: readonly (keyof Row)[],
  measure: keyof Row,
  withheld: Set<keyof Row>[],
  value: (index: number, measure: keyof Row) => number,
): void {
  // A table without dimensions is one cell: the total itself, with no line to hide in.
  if (dimensions.length === 0) return;
  const lines: number[][] = [];
  for (const along of dimensions) {
    const byRest = new Map<string, number[]>();
    rows.forEach((row, index) => {
      const key = JSON.stringify(dimensions.filter((dimension) => dimension !== along).map((dimension) => row[dimension] ?? null));
      byRest.set(key, [...(byRest.get(key) ?? []), index]);
    });
    lines.push(...byRest.values());
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      const hidden = line.filter((index) => withheld[index]!.has(measure));
      if (hidden.length !== 1) continue;
      const candidates = line
        .filter((index) => !withheld[index]!.has(measure) && value(index, measure) > 0)
        .sort((a, b) => value(a, measure) - value(b, measure) || a - b);
      const complement = candidates[0];
      // Every other cell is zero: the line's total is the withheld count itself, and that
      // total, asked for on its own, is withheld as small too.
      if (complement === undefined) continue;
      withheld[complement]!.add(measure);
      changed = true;
    }
  }
}
