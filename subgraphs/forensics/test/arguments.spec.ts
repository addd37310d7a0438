import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { checkDateRange, readId } from '../src/domain/arguments.js';

function errorOf(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

describe('readId', () => {
  it('accepts a UUID and lower-cases it to the stored form', () => {
    expect(readId('id', 'D0032F55-76BC-5D50-A740-0F7B00C97481')).toBe('d0032f55-76bc-5d50-a740-0f7b00c97481');
  });

  it('refuses anything else as BAD_USER_INPUT naming the argument', () => {
    expect(errorOf(() => readId('filter.recoveredBy', 'FO-2019-0001')).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'filter.recoveredBy',
    });
  });
});

describe('checkDateRange', () => {
  it('accepts open, single-day and ordered ranges', () => {
    expect(() => checkDateRange(null, '2000-01-01', 'to')).not.toThrow();
    expect(() => checkDateRange('2000-01-01', undefined, 'to')).not.toThrow();
    expect(() => checkDateRange('2000-01-01', '2000-01-01', 'to')).not.toThrow();
    expect(() => checkDateRange('1999-12-31', '2000-01-01', 'to')).not.toThrow();
  });

  it('refuses a range that ends before it starts, naming its end', () => {
    expect(errorOf(() => checkDateRange('2000-01-02', '2000-01-01', 'filter.to')).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'filter.to',
    });
  });
});
