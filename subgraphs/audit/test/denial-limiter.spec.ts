/**
 * The per-principal limit on DENIED events, as a plain function of time: recorded up to
 * the limit, counted beyond it, summarized when the window ends — per principal and reason.
 */
import { describe, expect, it } from 'vitest';
import type { DenialReason } from '@mission-graph/service-kit';
import { ownContent } from '../src/domain/audit-event.js';
import { createDenialLimiter } from '../src/domain/denial-limiter.js';

const denial = (principal: string, denialReason: DenialReason, coordinate = 'MissingPerson.fullName', id = 'mp-1') =>
  ownContent({
    kind: 'DENIED',
    principal,
    clientId: null,
    operationName: 'Probe',
    documentHash: 'a'.repeat(64),
    purpose: null,
    breakGlassJustification: null,
    fieldCoordinates: [coordinate],
    entities: [{ type: 'MissingPerson', id }],
    requestId: `req-${id}`,
    denialReason,
  });

describe('the denial limiter', () => {
  it('records up to the limit per principal and window, then counts into one summary per reason', () => {
    const limiter = createDenialLimiter({ perWindow: 2, windowSeconds: 60 });
    const decisions = Array.from({ length: 6 }, (_, n) => limiter.admit(denial('p1', n % 2 ? 'SCOPE' : 'PURPOSE', `T.f${n}`, `id-${n}`), 1_000).decision);
    expect(decisions).toEqual(['record', 'record', 'collapse', 'collapse', 'collapse', 'collapse']);
    // Another principal has its own allowance.
    expect(limiter.admit(denial('p2', 'SCOPE'), 1_000).decision).toBe('record');
    // Nothing is due before the window ends.
    expect(limiter.takeDue(60_999)).toEqual([]);
    const due = limiter.takeDue(61_000);
    expect(due.map((s) => [s.principal, s.denialReason, s.repeatCount, s.fieldCoordinates, s.requestId])).toEqual([
      ['p1', 'PURPOSE', 2, ['T.f2', 'T.f4'], null],
      ['p1', 'SCOPE', 2, ['T.f3', 'T.f5'], null],
    ]);
    expect(due.every((s) => s.kind === 'DENIED' && s.operationName === 'Probe')).toBe(true);
    // p2 never went over: no summary for it; its window is simply over.
    expect(limiter.takeDue(200_000)).toEqual([]);
  });

  it('hands over the previous window\'s summary when the principal comes back, and starts afresh', () => {
    const limiter = createDenialLimiter({ perWindow: 1, windowSeconds: 10 });
    limiter.admit(denial('p', 'SCOPE'), 0);
    expect(limiter.admit(denial('p', 'SCOPE'), 5_000)).toEqual({ decision: 'collapse', due: [] });
    const back = limiter.admit(denial('p', 'SCOPE'), 10_000);
    expect(back.decision).toBe('record');
    expect(back.due.map((s) => s.repeatCount)).toEqual([1]);
    // A lone collapsed attempt keeps its own request id.
    expect(back.due[0]!.requestId).toBe('req-mp-1');
  });

  it('bounds what a summary lists, not what it counts', () => {
    const limiter = createDenialLimiter({ perWindow: 0, windowSeconds: 10 });
    for (let n = 0; n < 5000; n += 1) limiter.admit(denial('flooder', 'NEED_TO_KNOW', `T.f${n}`, `id-${n}`), 0);
    const [summary] = limiter.takeDue(0, true);
    expect(summary!.repeatCount).toBe(5000);
    expect(summary!.fieldCoordinates).toHaveLength(1000);
    expect(summary!.entities).toHaveLength(1000);
  });
});
