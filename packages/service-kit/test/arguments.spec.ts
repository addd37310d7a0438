import { describe, expect, it } from 'vitest';
import {
  checkPeriod,
  checkPeriodBounds,
  FILTER_PERIOD_ARGUMENTS,
  periodKey,
  periodOfKey,
  requireDate,
  requireUuid,
} from '../src/arguments.js';

/** The code, argument and message of the error `run` throws. */
function errorOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    const { extensions, message } = error as { extensions?: Record<string, unknown>; message: string };
    return { code: extensions?.code, argument: extensions?.argument, message };
  }
  throw new Error('expected a GraphQL error');
}

const badInput = (argument: string) => ({ code: 'BAD_USER_INPUT', argument });

describe('requireUuid', () => {
  it('passes a UUID through, lower-cased to the form PostgreSQL returns and loaders key by', () => {
    expect(requireUuid('8d6f1a52-3c1e-5b7a-9f0e-2a4b6c8d0e1f', 'id')).toBe('8d6f1a52-3c1e-5b7a-9f0e-2a4b6c8d0e1f');
    expect(requireUuid('D0032F55-76BC-5D50-A740-0F7B00C97481', 'id')).toBe('d0032f55-76bc-5d50-a740-0f7b00c97481');
  });

  it('refuses anything else as BAD_USER_INPUT naming the argument and the value', () => {
    expect(errorOf(() => requireUuid("1' or '1'='1", 'id'))).toEqual({
      ...badInput('id'),
      message: `Invalid argument "id": must be a UUID; got "1' or '1'='1"`,
    });
    expect(errorOf(() => requireUuid('FO-2019-0001', 'filter.recoveredBy'))).toMatchObject(badInput('filter.recoveredBy'));
    expect(errorOf(() => requireUuid(undefined, 'id'))).toMatchObject(badInput('id'));
    expect(errorOf(() => requireUuid(42, 'id'))).toMatchObject(badInput('id'));
  });
});

describe('requireDate', () => {
  it('passes a calendar date through', () => {
    expect(requireDate('2024-02-29', 'from')).toBe('2024-02-29');
  });

  it('refuses impossible dates, other formats and non-strings, naming the argument', () => {
    expect(errorOf(() => requireDate('2021-02-30', 'from'))).toEqual({
      ...badInput('from'),
      message: 'Invalid argument "from": must be a calendar date like "2025-06-14"; got "2021-02-30"',
    });
    expect(errorOf(() => requireDate('2025-06-14T00:00:00Z', 'to'))).toMatchObject(badInput('to'));
    expect(errorOf(() => requireDate(20250614, 'to'))).toMatchObject(badInput('to'));
    expect(errorOf(() => requireDate(null, 'to'))).toMatchObject(badInput('to'));
  });
});

describe('checkPeriodBounds', () => {
  it('accepts open, one-day and ordered periods; an absent bound stays undefined', () => {
    expect(checkPeriodBounds(undefined, null, FILTER_PERIOD_ARGUMENTS)).toEqual({ from: undefined, to: undefined });
    expect(checkPeriodBounds('2024-01-01', null, FILTER_PERIOD_ARGUMENTS)).toEqual({ from: '2024-01-01', to: undefined });
    expect(checkPeriodBounds(null, '2024-01-01', FILTER_PERIOD_ARGUMENTS)).toEqual({ from: undefined, to: '2024-01-01' });
    expect(checkPeriodBounds('2024-01-01', '2024-01-01', FILTER_PERIOD_ARGUMENTS)).toEqual({
      from: '2024-01-01',
      to: '2024-01-01',
    });
  });

  it('refuses a period that ends before it starts, naming its end and its start', () => {
    expect(errorOf(() => checkPeriodBounds('2024-01-02', '2024-01-01', FILTER_PERIOD_ARGUMENTS))).toEqual({
      ...badInput('filter.to'),
      message: 'Invalid argument "filter.to": must not be before filter.from (2024-01-02); got 2024-01-01',
    });
    const names = { from: 'filter.disappearedFrom', to: 'filter.disappearedTo' };
    expect(errorOf(() => checkPeriodBounds('2000-01-02', '2000-01-01', names))).toMatchObject(
      badInput('filter.disappearedTo'),
    );
  });

  it('refuses a malformed bound, naming it', () => {
    expect(errorOf(() => checkPeriodBounds('2021-02-30', null, FILTER_PERIOD_ARGUMENTS))).toMatchObject(
      badInput('filter.from'),
    );
    expect(errorOf(() => checkPeriodBounds(null, 'yesterday', FILTER_PERIOD_ARGUMENTS))).toMatchObject(
      badInput('filter.to'),
    );
  });
});

describe('checkPeriod', () => {
  it('accepts a period of one day and longer', () => {
    expect(checkPeriod('2025-06-14', '2025-06-14')).toEqual({ from: '2025-06-14', to: '2025-06-14' });
    expect(checkPeriod('2018-06-01', '2025-06-14')).toEqual({ from: '2018-06-01', to: '2025-06-14' });
  });

  it('names the bound that is wrong (`from` / `to` unless told otherwise)', () => {
    expect(errorOf(() => checkPeriod('2025-06-14', '2018-06-01'))).toMatchObject(badInput('to'));
    expect(errorOf(() => checkPeriod('2021-02-30', '2025-06-14'))).toMatchObject(badInput('from'));
    expect(errorOf(() => checkPeriod('2021-01-01', 20250614))).toMatchObject(badInput('to'));
    expect(errorOf(() => checkPeriod('2025-06-14', '2018-06-01', FILTER_PERIOD_ARGUMENTS))).toMatchObject(
      badInput('filter.to'),
    );
  });

  it('requires both bounds', () => {
    expect(errorOf(() => checkPeriod(undefined, '2025-06-14'))).toEqual({
      ...badInput('from'),
      message: 'Invalid argument "from": is required',
    });
    expect(errorOf(() => checkPeriod('2025-06-14', null))).toMatchObject(badInput('to'));
  });
});

describe('periodKey', () => {
  it('round-trips a period through its DataLoader key', () => {
    const period = { from: '2020-09-01', to: '2026-10-31' };
    expect(periodKey(period)).toBe('2020-09-01|2026-10-31');
    expect(periodOfKey(periodKey(period))).toEqual(period);
  });

  it('keys a row carrying a period by that period alone', () => {
    const figures = { from: '2024-01-01', to: '2024-12-31', patrols: 12 };
    expect(periodKey(figures)).toBe('2024-01-01|2024-12-31');
  });
});
