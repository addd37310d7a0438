import { payloadHash, readIdempotencyKey } from '@mission-graph/service-kit';
import { describe, expect, it } from 'vitest';
import {
  checkRecordInput,
  type RecordExchangeRequestInput,
} from '../src/domain/exchange-request-input.js';
import { checkStatisticsQuery } from '../src/domain/exchange-statistics.js';
import { canTransition, entryStatus, LEGAL_TRANSITIONS, planTransition } from '../src/domain/exchange-workflow.js';
import type { ExchangeRequestStatus } from '../src/db/schema.js';

const INPUT: RecordExchangeRequestInput = {
  channel: 'SERBIAN_MOI',
  direction: 'SENT',
  counterpart: 'Serbian Ministry of Interior',
  kosovoPoliceUnit: 'International Law Enforcement Coordination Unit',
  requestDate: '2027-01-15',
  subject: 'Subject (synthetic)',
  legalBasis: 'Protocol on police cooperation',
  handlingCode: 'H0',
  sourceReliability: 'A',
  informationAccuracy: 'NOT_IN_DOUBT',
};

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    const { code, argument } = (error as { extensions: Record<string, unknown> }).extensions;
    return { code, argument };
  }
  return undefined;
};

describe('exchange workflow', () => {
  const ALL: ExchangeRequestStatus[] = ['RECEIVED', 'SENT', 'FORWARDED', 'ANSWERED', 'CLOSED', 'REJECTED'];

  it('allows exactly the legal steps', () => {
    const legal = ALL.flatMap((from) => ALL.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`));
    expect(legal.sort()).toEqual(
      [
        'RECEIVED>FORWARDED',
        'RECEIVED>REJECTED',
        'SENT>FORWARDED',
        'SENT>REJECTED',
        'FORWARDED>ANSWERED',
        'FORWARDED>REJECTED',
        'ANSWERED>CLOSED',
      ].sort(),
    );
    expect(LEGAL_TRANSITIONS.CLOSED).toEqual([]);
    expect(entryStatus('RECEIVED')).toBe('RECEIVED');
    expect(entryStatus('SENT')).toBe('SENT');
  });

  const subject = { reference: 'EUR-2027-000001', status: 'FORWARDED' as const, requestDate: '2027-01-01', lastOccurredOn: '2027-01-05' };

  it('plans an answer with its day, and refuses an illegal step with CONFLICT naming both states', () => {
    expect(planTransition(subject, 'ANSWERED', '2027-01-05')).toEqual({ status: 'ANSWERED', answeredOn: '2027-01-05' });
    expect(planTransition(subject, 'REJECTED', '2027-01-06')).toEqual({ status: 'REJECTED' });
    try {
      planTransition(subject, 'CLOSED', '2027-01-06');
      expect.unreachable();
    } catch (error) {
      const { extensions, message } = error as { extensions: Record<string, unknown>; message: string };
      expect(extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'FORWARDED', requestedStatus: 'CLOSED' });
      expect(message).toContain('may move to ANSWERED or REJECTED');
    }
  });

  it('refuses a step dated before the latest one', () => {
    expect(codeOf(() => planTransition(subject, 'ANSWERED', '2027-01-04'))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'input.occurredOn',
    });
  });
});

describe('record input', () => {
  it('normalises text and absent values', () => {
    expect(checkRecordInput({ ...INPUT, counterpart: '  Serbian Ministry of Interior ', handlingConditions: '  ' })).toMatchObject({
      counterpart: 'Serbian Ministry of Interior',
      handlingConditions: null,
      missingPersonId: null,
    });
  });

  it.each([
    [{ legalBasis: null }, 'input.legalBasis'],
    [{ handlingCode: 'H3' as const }, 'input.handlingConditions'],
    [{ handlingConditions: 'x' }, 'input.handlingConditions'],
    [{ kosovoPoliceUnit: '' }, 'input.kosovoPoliceUnit'],
    [{ counterpart: 'x'.repeat(201) }, 'input.counterpart'],
    [{ requestDate: '2027-02-30' }, 'input.requestDate'],
    [{ relatedMissingPersonId: '42' }, 'input.relatedMissingPersonId'],
  ])('refuses %o naming %s', (change, argument) => {
    expect(codeOf(() => checkRecordInput({ ...INPUT, ...change }))).toEqual({ code: 'BAD_USER_INPUT', argument });
  });

  it('accepts H3 with conditions, and no legal basis outside the Serbian MoI channel', () => {
    expect(checkRecordInput({ ...INPUT, handlingCode: 'H3', handlingConditions: 'no onward transfer' }).handlingConditions).toBe(
      'no onward transfer',
    );
    expect(checkRecordInput({ ...INPUT, channel: 'EUROPOL', legalBasis: null }).legalBasis).toBeNull();
  });

  it('hashes the canonical payload: key order and surrounding whitespace do not matter, content does', () => {
    const a = payloadHash(checkRecordInput(INPUT));
    const reordered = Object.fromEntries(Object.entries(INPUT).reverse()) as unknown as RecordExchangeRequestInput;
    expect(payloadHash(checkRecordInput({ ...reordered, subject: ` ${INPUT.subject} ` }))).toBe(a);
    expect(payloadHash(checkRecordInput({ ...INPUT, subject: 'Someone else' }))).not.toBe(a);
    expect(payloadHash(checkRecordInput({ ...INPUT, relatedMissingPersonId: null }))).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('checks idempotency keys (the kit\'s one rule)', () => {
    expect(readIdempotencyKey(undefined)).toBeNull();
    expect(readIdempotencyKey('order-2027-0001')).toBe('order-2027-0001');
    expect(codeOf(() => readIdempotencyKey('short'))).toEqual({ code: 'BAD_USER_INPUT', argument: 'idempotencyKey' });
    expect(codeOf(() => readIdempotencyKey('has spaces in it'))).toEqual({ code: 'BAD_USER_INPUT', argument: 'idempotencyKey' });
  });
});

describe('statistics query', () => {
  it('orders dimensions canonically and refuses repeats, reversed and over-long periods', () => {
    expect(checkStatisticsQuery('2020-01-01', '2020-12-31', ['STATUS', 'CHANNEL']).groupBy).toEqual(['CHANNEL', 'STATUS']);
    expect(checkStatisticsQuery('2020-01-01', '2020-12-31', undefined).groupBy).toEqual([]);
    expect(codeOf(() => checkStatisticsQuery('2020-01-01', '2020-12-31', ['MONTH', 'MONTH']))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'groupBy',
    });
    expect(codeOf(() => checkStatisticsQuery('2020-12-31', '2020-01-01', []))).toEqual({ code: 'BAD_USER_INPUT', argument: 'to' });
    expect(codeOf(() => checkStatisticsQuery('1950-01-01', '2020-01-01', []))).toEqual({ code: 'BAD_USER_INPUT', argument: 'to' });
  });
});
