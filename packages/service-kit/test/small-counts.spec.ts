import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, readSmallCountThreshold, suppressSmallCounts } from '../src/index.js';

const K = 5;

describe('small-count suppression', () => {
  it('withholds a small cell and, in its line, the smallest other cell, so the total minus the shown cells reveals neither', () => {
    const rows = [
      { channel: 'EUROPOL', requests: 3 },
      { channel: 'SERBIAN_MOI', requests: 10 },
      { channel: 'INTERPOL', requests: 200 },
    ];
    expect(suppressSmallCounts(rows, { dimensions: ['channel'], measures: [{ name: 'requests' }] }, K)).toEqual([
      { channel: 'EUROPOL', requests: null, suppressed: true },
      { channel: 'SERBIAN_MOI', requests: null, suppressed: true },
      { channel: 'INTERPOL', requests: 200, suppressed: false },
    ]);
  });

  it('shows zero and counts of k or more; a one-cell table (a total) is withheld alone', () => {
    const table = { dimensions: [] as const, measures: [{ name: 'n' as const }] };
    expect(suppressSmallCounts([{ n: 0 }], table, K)).toEqual([{ n: 0, suppressed: false }]);
    expect(suppressSmallCounts([{ n: 5 }], table, K)).toEqual([{ n: 5, suppressed: false }]);
    expect(suppressSmallCounts([{ n: 4 }], table, K)).toEqual([{ n: null, suppressed: true }]);
  });

  it('withholds a part with its whole, and when the rest of the whole is small', () => {
    const table = { dimensions: [] as const, measures: [{ name: 'operations' as const }, { name: 'exhumations' as const, within: 'operations' as const }] };
    expect(suppressSmallCounts([{ operations: 3, exhumations: 0 }], table, K)).toEqual([{ operations: null, exhumations: null, suppressed: true }]);
    expect(suppressSmallCounts([{ operations: 20, exhumations: 18 }], table, K)).toEqual([{ operations: 20, exhumations: null, suppressed: true }]);
    expect(suppressSmallCounts([{ operations: 20, exhumations: 20 }], table, K)).toEqual([{ operations: 20, exhumations: 20, suppressed: false }]);
  });

  it('withholds a figure computed from withheld records (a median over few answers)', () => {
    const rows = [{ requests: 40, answered: 2, medianDays: 11.5 }];
    const out = suppressSmallCounts(rows, { dimensions: [], measures: [{ name: 'requests' }, { name: 'answered', within: 'requests' }], derived: [{ name: 'medianDays', from: 'answered' }] }, K);
    expect(out).toEqual([{ requests: 40, answered: null, medianDays: null, suppressed: true }]);
  });

  it('holds for any two-dimensional table: no small count shown, no line with a single withheld cell that its total could reveal', () => {
    const cell = fc.record({ year: fc.integer({ min: 2000, max: 2004 }), place: fc.constantFrom('A', 'B', 'C', 'D'), n: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 300 })) });
    fc.assert(
      fc.property(fc.uniqueArray(cell, { selector: (c) => `${c.year}|${c.place}`, maxLength: 20 }), (rows) => {
        const out = suppressSmallCounts(rows, { dimensions: ['year', 'place'], measures: [{ name: 'n' }] }, K);
        out.forEach((row, index) => {
          if (row.n !== null) {
            expect(row.n).toBe(rows[index]!.n);
            expect(row.n === 0 || row.n >= K).toBe(true);
          }
        });
        for (const along of ['year', 'place'] as const) {
          const lines = new Map<string, number[]>();
          rows.forEach((row, index) => {
            const key = String(along === 'year' ? row.place : row.year);
            lines.set(key, [...(lines.get(key) ?? []), index]);
          });
          for (const line of lines.values()) {
            const hidden = line.filter((index) => out[index]!.n === null);
            // One withheld cell in a line: only if every other cell of the line is zero,
            // so the line's total equals it and is withheld too when asked on its own.
            if (hidden.length === 1) expect(line.every((index) => hidden.includes(index) || rows[index]!.n === 0)).toBe(true);
          }
        }
      }),
      { seed: 20251127, numRuns: 300 },
    );
  });

  it('reads the threshold from SMALL_COUNT_THRESHOLD (default 5), refusing a value that protects nothing', () => {
    expect(readSmallCountThreshold({})).toBe(5);
    expect(readSmallCountThreshold({ SMALL_COUNT_THRESHOLD: '10' })).toBe(10);
    expect(() => readSmallCountThreshold({ SMALL_COUNT_THRESHOLD: '1' })).toThrow(ConfigError);
    expect(() => readSmallCountThreshold({ SMALL_COUNT_THRESHOLD: 'five' })).toThrow(/SMALL_COUNT_THRESHOLD/);
  });
});
