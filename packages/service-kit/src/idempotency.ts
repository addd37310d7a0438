import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { check, primaryKey, text, timestamp, type PgSchema } from 'drizzle-orm/pg-core';
import type { Caller } from './authorization/caller.js';
import type { Db } from './database.js';
import { badUserInput, conflict } from './errors.js';

/**
 * Idempotent recording for machine clients, one mechanism for every subgraph. A client
 * that may retry (a timeout, a dropped connection) sends `idempotencyKey` with a
 * `record…` mutation:
 * - the first call under a key records, and remembers the key with the hash of its
 *   checked payload and the id of what it recorded — in the same transaction;
 * - a retry with the same key and payload records nothing and answers the first
 *   result (the recorded record as it is now);
 * - the same key with another payload, or for another operation, is a CONFLICT;
 * - keys are per (client, subject): the calling app (`clientId`) AND the person or
 *   machine behind the token (`sub`). Two clients never collide, and neither do two
 *   people using the same app (a user token carries its app's client id, so a key space
 *   per client alone let one analyst's guessable key answer with another's record);
 * - concurrent calls with one key record once: the key's primary key makes all but
 *   the first roll back, and those answer the first's result.
 * Each subgraph keeps its keys in its own Postgres schema (`idempotencyKeysTable`).
 */

/** 8 to 128 characters of letters, digits, `.`, `_`, `:` and `-` (a UUID fits). */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** The keys table of one subgraph, in that subgraph's Postgres schema (its `db/schema.ts` exports it). */
export function idempotencyKeysTable(schema: PgSchema) {
  return schema.table(
    'idempotency_keys',
    {
      /**
       * The key space: the calling client's id and the token's subject together
       * (`idempotencyScopeOf`), so neither two clients nor two people share one.
       * Named `client` since before subjects were part of it (no migration needed).
       */
      client: text('client').notNull(),
      key: text('key').notNull(),
      /** The mutation the key was used with, e.g. `recordMissingPerson`. */
      operation: text('operation').notNull(),
      /** sha256 (hex) of the canonical, checked payload. */
      payloadHash: text('payload_hash').notNull(),
      /** Id of the record the first call created: what a retry answers. */
      resultId: text('result_id').notNull(),
      createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: 'idempotency_keys_pk', columns: [t.client, t.key] }),
      check('idempotency_keys_key_format', sql`${t.key} ~ '^[A-Za-z0-9._:-]{8,128}$'`),
      check('idempotency_keys_hash_format', sql`${t.payloadHash} ~ '^[0-9a-f]{64}$'`),
    ],
  );
}

export type IdempotencyKeysTable = ReturnType<typeof idempotencyKeysTable>;

/** One idempotent call: who, under which key, which operation, with which payload. */
export interface IdempotentCall {
  /** The key space (`idempotencyScopeOf`): client and subject. */
  client: string;
  key: string;
  operation: string;
  payloadHash: string;
}

/**
 * The key space a caller's keys belong to: (client id, subject) as a JSON pair, so no
 * choice of ids can make two different pairs spell the same string. A client-credentials
 * token (no human) has its client's space; a token without either is one shared
 * anonymous space (such callers cannot tell each other apart anyway).
 */
export function idempotencyScopeOf(caller: Caller): string {
  return JSON.stringify([caller.clientId ?? null, caller.subject ?? null]);
}

/** A client's `idempotencyKey` argument, checked; null when none was given. */
export function readIdempotencyKey(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw badUserInput('idempotencyKey', 'must be 8 to 128 characters of letters, digits, ".", "_", ":" or "-"');
  }
  return value;
}

/**
 * sha256 (hex) of a checked payload in canonical form: object keys sorted (as
 * `[key, value]` pairs), absent values null, arrays in order. Two payloads that record
 * the same thing hash alike, whatever their key order or surrounding whitespace
 * (the checks trim text before this).
 */
export function payloadHash(payload: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(payload))).digest('hex');
}

function canonical(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    return Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]);
  }
  return value;
}

/** The idempotent call for these arguments, or null without a key. */
export function idempotentCall(
  operation: string,
  key: string | null | undefined,
  caller: Caller,
  checkedPayload: unknown,
): IdempotentCall | null {
  const checked = readIdempotencyKey(key);
  return checked === null
    ? null
    : { client: idempotencyScopeOf(caller), key: checked, operation, payloadHash: payloadHash(checkedPayload) };
}

/** How one mutation records, and how it answers again from the id it recorded. */
export interface Recording<Result> {
  /** Writes the record on `tx` (inside the key's transaction) and returns its id and the answer. */
  record(tx: Db): Promise<{ id: string; result: Result }>;
  /** The answer to a retry, from the id the first call recorded. */
  replay(id: string): Promise<Result>;
}

/** Rolls the recording transaction back when another call holds the key. */
class KeyTaken extends Error {}

/**
 * Records once per key (see above); without a key, simply records. `db` is the
 * subgraph's database, `keys` its keys table. The recording runs in one transaction
 * with the key (a store's own transaction nests as a savepoint), so a failed
 * recording leaves no key behind and a retry may try again.
 */
export async function recordOnce<Result>(
  db: Db,
  keys: IdempotencyKeysTable,
  call: IdempotentCall | null,
  recording: Recording<Result>,
): Promise<Result> {
  if (call === null) return (await recording.record(db)).result;
  const earlier = await findKey(db, keys, call);
  if (earlier) return answerAgain(earlier, call, recording);
  try {
    return await db.transaction(async (tx) => {
      const { id, result } = await recording.record(tx as unknown as Db);
      const claimed = await tx
        .insert(keys)
        .values({ ...call, resultId: id })
        .onConflictDoNothing({ target: [keys.client, keys.key] })
        .returning({ resultId: keys.resultId });
      if (claimed.length === 0) throw new KeyTaken();
      return result;
    });
  } catch (error) {
    // A concurrent call under the same key committed first: it may have made this one
    // fail (a unique natural key, a state already moved) or found the key taken. Either
    // way the first result is the answer; any other failure stands.
    const first = await findKey(db, keys, call);
    if (first) return answerAgain(first, call, recording);
    if (error instanceof KeyTaken) throw new Error('idempotency key taken, but no first recording found');
    throw error;
  }
}

async function findKey(db: Db, keys: IdempotencyKeysTable, call: IdempotentCall) {
  const [found] = await db
    .select({ operation: keys.operation, payloadHash: keys.payloadHash, resultId: keys.resultId })
    .from(keys)
    .where(and(eq(keys.client, call.client), eq(keys.key, call.key)));
  return found;
}

function answerAgain<Result>(
  earlier: { operation: string; payloadHash: string; resultId: string },
  call: IdempotentCall,
  recording: Recording<Result>,
): Promise<Result> {
  if (earlier.operation !== call.operation || earlier.payloadHash !== call.payloadHash) {
    throw conflict(
      `Idempotency key "${call.key}" was already used for ${earlier.operation} with a different payload; nothing was recorded`,
      { idempotencyKey: call.key, reason: 'IDEMPOTENCY_KEY_REUSED', recordedId: earlier.resultId },
    );
  }
  return recording.replay(earlier.resultId);
}

/**
 * The usual recording: a store writes one record and answers it; a retry loads that
 * record again by id (NOT_FOUND is the loader's to throw).
 */
export function rowRecording<Row extends { id: string }>(
  record: (tx: Db) => Promise<Row>,
  load: (id: string) => Promise<Row>,
): Recording<Row> {
  return {
    record: async (tx) => {
      const row = await record(tx);
      return { id: row.id, result: row };
    },
    replay: load,
  };
}
