import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '@mission-graph/service-kit';
import { fetchKey, InflightFetches, WaiterGone, type RawAnswer } from '../src/subgraph/inflight.js';

/** A fetch the test answers by hand, recording whether it was told to stop. */
function pendingFetch() {
  const state: { resolve?: (answer: RawAnswer) => void; stopped: boolean; starts: number } = { stopped: false, starts: 0 };
  const start = (stop: AbortSignal) => {
    state.starts += 1;
    stop.addEventListener('abort', () => (state.stopped = true));
    return new Promise<RawAnswer>((resolve) => (state.resolve = resolve));
  };
  return { state, start };
}

describe('in-flight fetches', () => {
  it('keys on every right the subgraph sees, not on the request id', () => {
    const caller = { authenticated: true, subject: 'a', scopes: new Set(['x:read', 'y:read']), requestId: '1' };
    const same = { ...caller, scopes: new Set(['y:read', 'x:read']), requestId: '2' };
    expect(fetchKey('s', 'body', caller)).toBe(fetchKey('s', 'body', same));
    for (const other of [
      { ...caller, subject: 'b' },
      { ...caller, clientId: 'c' },
      { ...caller, purpose: 'CASE-1' },
      { ...caller, breakGlass: 'why' },
      { ...caller, contract: 'external' as const },
      { ...caller, scopes: new Set(['x:read']) },
      ANONYMOUS,
    ]) {
      expect(fetchKey('s', 'body', other)).not.toBe(fetchKey('s', 'body', caller));
    }
    expect(fetchKey('t', 'body', caller)).not.toBe(fetchKey('s', 'body', caller));
  });

  it('shares one fetch among concurrent identical callers, and starts anew once it answered', async () => {
    const inflight = new InflightFetches();
    const { state, start } = pendingFetch();
    const a = inflight.run('k', undefined, start);
    const b = inflight.run('k', undefined, start);
    expect(state.starts).toBe(1);
    state.resolve!({ status: 200, body: '{}' });
    expect(await a).toEqual(await b);
    void inflight.run('k', undefined, start);
    expect(state.starts).toBe(2);
  });

  it('stops the shared fetch only when every waiter has gone', async () => {
    const inflight = new InflightFetches();
    const { state, start } = pendingFetch();
    const first = new AbortController();
    const second = new AbortController();
    const a = inflight.run('k', first.signal, start);
    const b = inflight.run('k', second.signal, start);
    first.abort();
    await expect(a).rejects.toBeInstanceOf(WaiterGone);
    expect(state.stopped).toBe(false);
    second.abort();
    await expect(b).rejects.toBeInstanceOf(WaiterGone);
    expect(state.stopped).toBe(true);
  });
});
