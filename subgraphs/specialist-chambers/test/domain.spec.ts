import { describe, expect, it } from 'vitest';
import { requireOrderedRange, requireUuid } from '../src/domain/arguments.js';
import { periodKey, periodOfKey, requirePeriod } from '../src/domain/period.js';

const badInput = (argument: string) =>
  expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument }) });

describe('requirePeriod', () => {
  it('accepts a period of one day and longer', () => {
    expect(requirePeriod({ from: '2025-06-14', to: '2025-06-14' })).toEqual({ from: '2025-06-14', to: '2025-06-14' });
    expect(requirePeriod({ from: '2018-06-01', to: '2025-06-14' })).toEqual({ from: '2018-06-01', to: '2025-06-14' });
  });

  it('names the bound that is wrong', () => {
    expect(() => requirePeriod({ from: '2025-06-14', to: '2018-06-01' })).toThrow(badInput('to'));
    expect(() => requirePeriod({ from: '2021-02-30', to: '2025-06-14' })).toThrow(badInput('from'));
    expect(() => requirePeriod({ from: '2021-01-01', to: 20250614 })).toThrow(badInput('to'));
    expect(() => requirePeriod({ to: '2025-06-14' })).toThrow(badInput('from'));
  });

  it('round-trips through its DataLoader key', () => {
    const period = { from: '2020-09-01', to: '2026-10-31' };
    expect(periodKey(period)).toBe('2020-09-01|2026-10-31');
    expect(periodOfKey(periodKey(period))).toEqual(period);
  });
});

describe('requireOrderedRange', () => {
  it('accepts open and ordered ranges, refuses reversed ones naming `to`', () => {
    expect(() => requireOrderedRange({}, 'filter.to')).not.toThrow();
    expect(() => requireOrderedRange({ from: '2024-01-01', to: null }, 'filter.to')).not.toThrow();
    expect(() => requireOrderedRange({ from: '2024-01-01', to: '2024-01-01' }, 'filter.to')).not.toThrow();
    expect(() => requireOrderedRange({ from: '2024-01-02', to: '2024-01-01' }, 'filter.to')).toThrow(badInput('filter.to'));
  });
});

describe('requireUuid', () => {
  it('passes a UUID through and refuses anything else', () => {
    const id = '8d6f1a52-3c1e-5b7a-9f0e-2a4b6c8d0e1f';
    expect(requireUuid('id', id)).toBe(id);
    expect(() => requireUuid('id', '42')).toThrow(badInput('id'));
    expect(() => requireUuid('id', undefined)).toThrow(badInput('id'));
  });
});
