import type { Caller } from '@mission-graph/service-kit';

/**
 * Safe in-flight deduplication of subgraph fetches (issue 13 item 5).
 *
 * Identical concurrent *query* fetches to one subgraph are sent once, and every caller
 * waiting on them gets the answer — but only when everything that decides the answer is
 * identical: the subgraph, the document, the variables, the operation name, and the
 * caller's rights *as the subgraph sees them*, i.e. every claim of the internal token
 * but the per-request ones (request id, token id, times). That includes the principal and
 * the client always, not only where need-to-know applies: a subgraph may decide on them
 * (assigned officers, a contract client), and a merge key that forgot one would hand one
 * caller's answer to another. (Hive Gateway's key — URL, method, body — leaves the
 * caller's token out entirely; this one is built from it.)
 *
 * What is shared is the answer's *text*: each waiter parses its own copy, so no caller
 * holds an object another caller's pipeline mutates (response walks, hidden keys).
 *
 * A shared fetch is stopped only when every caller waiting on it has gone (or on its
 * timeout): one client disconnecting stops its own wait, not the others' answer.
 */
export interface RawAnswer {
  status: number;
  body: string;
}

/** The merge key's part that comes from the caller: every internal-token claim that can decide an answer. */
export function rightsAsSubgraphSeesThem(caller: Caller): string {
  return JSON.stringify([
    caller.authenticated,
    caller.subject ?? null,
    caller.clientId ?? null,
    [...caller.scopes].sort(),
    caller.purpose ?? null,
    caller.breakGlass ?? null,
    caller.contract ?? null,
  ]);
}

/** The full merge key of one subgraph fetch. */
export function fetchKey(subgraph: string, body: string, caller: Caller): string {
  return `${subgraph}\0${rightsAsSubgraphSeesThem(caller)}\0${body}`;
}

interface Shared {
  answer: Promise<RawAnswer>;
  stop: AbortController;
  waiting: number;
}

/** Thrown to a waiter whose own client went away (the shared fetch goes on for the others). */
export class WaiterGone extends Error {
  constructor() {
    super('The client disconnected');
  }
}

export class InflightFetches {
  private readonly running = new Map<string, Shared>();
  /** Fetches started, and fetches answered from one already running (metrics, tests). */
  readonly counts = { started: 0, merged: 0 };

  /**
   * The answer of `start`, shared with every identical fetch (`key`) that begins while it
   * runs. `clientGone` is this caller's disconnect signal; `start` receives a signal that
   * aborts once no caller is waiting any more.
   */
  run(key: string, clientGone: AbortSignal | undefined, start: (stop: AbortSignal) => Promise<RawAnswer>): Promise<RawAnswer> {
    let shared = this.running.get(key);
    if (shared) {
      this.counts.merged += 1;
    } else {
      this.counts.started += 1;
      const stop = new AbortController();
      const created: Shared = { answer: Promise.resolve(undefined as unknown as RawAnswer), stop, waiting: 0 };
      // Only concurrent fetches merge: the entry goes as soon as the answer is in.
      created.answer = start(stop.signal).finally(() => {
        if (this.running.get(key) === created) this.running.delete(key);
      });
      this.running.set(key, created);
      shared = created;
    }
    return this.wait(key, shared, clientGone);
  }

  private wait(key: string, shared: Shared, clientGone: AbortSignal | undefined): Promise<RawAnswer> {
    shared.waiting += 1;
    if (!clientGone) return shared.answer;
    if (clientGone.aborted) return this.leave(key, shared);
    return new Promise<RawAnswer>((resolve, reject) => {
      const onGone = () => {
        this.leave(key, shared).catch(reject);
      };
      clientGone.addEventListener('abort', onGone, { once: true });
      shared.answer.then(
        (answer) => {
          clientGone.removeEventListener('abort', onGone);
          resolve(answer);
        },
        (error: unknown) => {
          clientGone.removeEventListener('abort', onGone);
          reject(error);
        },
      );
    });
  }

  /** This waiter's client went away: it stops waiting; the fetch stops when nobody waits. */
  private leave(key: string, shared: Shared): Promise<never> {
    shared.waiting -= 1;
    if (shared.waiting === 0) {
      if (this.running.get(key) === shared) this.running.delete(key);
      shared.stop.abort();
      // Nobody awaits the shared answer any more: its rejection is expected.
      shared.answer.catch(() => undefined);
    }
    return Promise.reject(new WaiterGone());
  }
}
