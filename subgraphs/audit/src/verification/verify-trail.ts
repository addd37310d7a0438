import { asc, eq, gt } from 'drizzle-orm';
import type { Db } from '@mission-graph/service-kit';
import { checkSignature, sameCheckpoint, type SignedCheckpoint } from '../checkpoints/checkpoint.js';
import { checkEventSignature } from '../checkpoints/event-signature.js';
import type { VerifyKey } from '../checkpoints/signing-key.js';
import type { SinkContents } from '../checkpoints/sink.js';
import { auditEvents, type AuditEventRow, type schema } from '../db/schema.js';
import { GENESIS_HASH, recomputeHash } from '../domain/audit-event.js';
import { createCheckpointStore } from '../stores/checkpoint-store.js';

/**
 * Verification as an auditor runs it (`pnpm audit:verify`), trusting neither the database
 * nor the service: only the public verify keys and the external checkpoint sink.
 *
 * - signatures: every checkpoint, in the sink and in the table, verifies with a trusted key;
 * - missing checkpoints: the sink's checkpoints are numbered 1, 2, 3 … without a gap, and
 *   the table holds the same ones, unchanged;
 * - truncation: the table still reaches the last event a checkpoint covers;
 * - chain: every event follows the one before it (positions without gaps, each naming its
 *   predecessor's hash), its content matches its hash, and at each checkpoint the chain
 *   has exactly the hash that was signed — so a rewrite that re-sealed every later hash
 *   is caught at the next checkpoint;
 * - event signatures: every event carries the audit service's signature over its hash,
 *   verifying with a trusted key — so a row appended with the service's own INSERT-only
 *   role (well chained: the hash formula is public) is named even though the next
 *   checkpoint, signed by the service over whatever the table holds, covers it. Events
 *   recorded before event signing began (migration 0004) have none; an unsigned event
 *   after a signed one is a finding.
 * Also reported, not counted as tampering: INTENTs without an OUTCOME, events newer than
 * the last checkpoint (not anchored yet).
 */
export type FindingKind = 'signature' | 'missing checkpoint' | 'sink' | 'truncation' | 'deletion' | 'reorder' | 'edit' | 'rewrite';

export interface Finding {
  kind: FindingKind;
  message: string;
  /** The event position concerned, where there is one. */
  sequence?: number;
  /** The checkpoint concerned, where there is one. */
  checkpoint?: number;
}

export interface OpenIntent {
  sequence: number;
  id: string;
  principal: string;
  occurredAt: string;
  operationName: string | null;
  fieldCoordinates: string[];
}

export interface VerifyReport {
  /** Events in the table, and the last position. */
  events: number;
  lastSequence: number;
  checkpoints: { table: number; sink: number; lastAnchored: { number: number; sequence: number } | undefined };
  /** Events after the last checkpoint: chained, but not yet anchored outside the database. */
  unanchoredEvents: number;
  openIntents: OpenIntent[];
  /** Evidence of tampering; empty = intact. */
  findings: Finding[];
  /** Worth knowing, not tampering. */
  notes: string[];
}

/** Where the events and the table's checkpoints are read from (one consistent snapshot). */
export interface TrailSource {
  eventsAfter(after: number, limit: number): Promise<AuditEventRow[]>;
  sequenceOfHash(hash: string): Promise<number | undefined>;
  tableCheckpoints(): Promise<SignedCheckpoint[]>;
}

export function trailSource(db: Db<typeof schema>): TrailSource {
  return {
    eventsAfter: (after, limit) =>
      db.select().from(auditEvents).where(gt(auditEvents.sequence, after)).orderBy(asc(auditEvents.sequence)).limit(limit),
    sequenceOfHash: async (hash) => {
      const [row] = await db.select({ sequence: auditEvents.sequence }).from(auditEvents).where(eq(auditEvents.hash, hash));
      return row?.sequence;
    },
    tableCheckpoints: () => createCheckpointStore(db).all(),
  };
}

export interface VerifyInput {
  trail: TrailSource;
  /** Read before the trail's snapshot, so every checkpoint in it covers committed events. */
  sink: SinkContents;
  sinkDescription: string;
  trusted: ReadonlyMap<string, VerifyKey>;
  pageSize?: number;
}

const MAX_FINDINGS = 200;
const short = (hash: string) => `${hash.slice(0, 12)}…`;

export async function verifyTrail(input: VerifyInput): Promise<VerifyReport> {
  const findings: Finding[] = [];
  const notes: string[] = [];
  let suppressed = 0;
  const report = (finding: Finding) => {
    if (findings.length < MAX_FINDINGS) findings.push(finding);
    else suppressed += 1;
  };
  const sink = input.sinkDescription;

  // 1. The external sink: readable, signed by a trusted key, numbered without gaps.
  for (const line of input.sink.unreadableLines) {
    report({ kind: 'sink', message: `line ${line} of the external sink (${sink}) is not a checkpoint: corrupted, or a write cut short` });
  }
  const anchors = new Map<number, SignedCheckpoint>();
  let expected = 1;
  let lastSinkSequence = 0;
  for (const checkpoint of input.sink.checkpoints) {
    const signature = checkSignature(checkpoint, input.trusted);
    if (signature !== 'valid') {
      report({
        kind: 'signature',
        checkpoint: checkpoint.number,
        message:
          signature === 'unknown key'
            ? `checkpoint #${checkpoint.number} in the external sink is signed by key ${checkpoint.keyId}, which is not a trusted verify key`
            : `checkpoint #${checkpoint.number} in the external sink does not verify: forged or altered`,
      });
      continue;
    }
    const seen = anchors.get(checkpoint.number);
    if (seen) {
      // The same checkpoint written twice (a retry after a crash) is harmless.
      if (!sameCheckpoint(seen, checkpoint)) {
        report({ kind: 'sink', checkpoint: checkpoint.number, message: `checkpoint #${checkpoint.number} appears twice in the external sink with different content` });
      }
      continue;
    }
    if (checkpoint.number > expected) {
      report({
        kind: 'missing checkpoint',
        checkpoint: expected,
        message: `${range('checkpoint', expected, checkpoint.number - 1)} missing from the external sink (${sink})`,
      });
    } else if (checkpoint.number < expected) {
      report({ kind: 'sink', checkpoint: checkpoint.number, message: `checkpoint #${checkpoint.number} appears in the external sink after checkpoint #${expected - 1}` });
    }
    if (checkpoint.sequence <= lastSinkSequence) {
      report({ kind: 'sink', checkpoint: checkpoint.number, message: `checkpoint #${checkpoint.number} covers event #${checkpoint.sequence}, not later than the checkpoint before it` });
    }
    anchors.set(checkpoint.number, checkpoint);
    expected = Math.max(expected, checkpoint.number + 1);
    lastSinkSequence = Math.max(lastSinkSequence, checkpoint.sequence);
  }
  const sinkCount = anchors.size;
  const lastSinkNumber = expected - 1;

  // 2. The table's copies: signed, and the same as the sink's.
  const table = await input.trail.tableCheckpoints();
  const tableOnly: SignedCheckpoint[] = [];
  const tableNumbers = new Set<number>();
  for (const checkpoint of table) {
    tableNumbers.add(checkpoint.number);
    const signature = checkSignature(checkpoint, input.trusted);
    if (signature !== 'valid') {
      report({
        kind: 'signature',
        checkpoint: checkpoint.number,
        message: `checkpoint #${checkpoint.number} in the table ${signature === 'unknown key' ? `is signed by an untrusted key (${checkpoint.keyId})` : 'does not verify: forged or altered'}`,
      });
      continue;
    }
    const anchored = anchors.get(checkpoint.number);
    if (anchored) {
      if (!sameCheckpoint(anchored, checkpoint)) {
        report({ kind: 'rewrite', checkpoint: checkpoint.number, message: `checkpoint #${checkpoint.number} in the table differs from the external sink's` });
      }
    } else if (checkpoint.number <= lastSinkNumber) {
      report({
        kind: 'missing checkpoint',
        checkpoint: checkpoint.number,
        message: `checkpoint #${checkpoint.number} (event #${checkpoint.sequence}) is in the table but missing from the external sink: lines were removed from the sink`,
      });
    } else {
      // Signed with a trusted key and newer than the sink as read: written after the sink was
      // read, or not yet copied there. Its head is checked against the chain like any other,
      // but it anchors nothing: whoever can delete events can delete this row too.
      notes.push(`checkpoint #${checkpoint.number} (event #${checkpoint.sequence}) is in the table but was not in the external sink when it was read`);
      tableOnly.push(checkpoint);
    }
  }
  for (const checkpoint of input.sink.checkpoints) {
    if (anchors.get(checkpoint.number) === checkpoint && !tableNumbers.has(checkpoint.number)) {
      report({
        kind: 'missing checkpoint',
        checkpoint: checkpoint.number,
        message: `checkpoint #${checkpoint.number} (event #${checkpoint.sequence}) is in the external sink but missing from the table: its row was deleted`,
      });
    }
  }

  // 3. The chain, event by event, against the checkpoints.
  const bySequence = new Map<number, SignedCheckpoint[]>();
  for (const checkpoint of [...anchors.values(), ...tableOnly]) {
    bySequence.set(checkpoint.sequence, [...(bySequence.get(checkpoint.sequence) ?? []), checkpoint]);
  }
  const lastAnchor = [...anchors.values()].reduce<SignedCheckpoint | undefined>((a, b) => (!a || b.sequence > a.sequence ? b : a), undefined);
  const visitedAnchors = new Set<number>();
  const openIntents = new Map<string, OpenIntent>();
  let lastGood: SignedCheckpoint | undefined;
  let rewriteReported = false;
  let laterMismatches = 0;
  let previous = { sequence: 0, hash: GENESIS_HASH, version: 0 };
  let count = 0;
  /** The first signed event: every event after it must be signed too. */
  let firstSigned: number | undefined;
  let unsignedBeforeSigning = 0;
  const pageSize = input.pageSize ?? 1000;

  for (;;) {
    const rows = await input.trail.eventsAfter(previous.sequence, pageSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      count += 1;
      const at = { sequence: row.sequence };
      const name = `event #${row.sequence} (${row.id})`;
      // Version 1 positions came from an identity column, which may skip; version 2 may not.
      const gap = row.hashVersion >= 2 && row.sequence !== previous.sequence + 1;
      if (gap) {
        report({ kind: 'deletion', ...at, message: `${range('event', previous.sequence + 1, row.sequence - 1)} missing from the table: deleted` });
      }
      const linked = row.previousHash === previous.hash;
      let moved = false;
      if (!linked && !gap) {
        const predecessor = row.previousHash === GENESIS_HASH ? 0 : await input.trail.sequenceOfHash(row.previousHash);
        if (predecessor !== undefined && predecessor !== previous.sequence) {
          const sealedAt = sealedPosition(row, predecessor);
          moved = sealedAt !== undefined;
          const sealedAfter = predecessor === 0 ? 'as the first event' : `after the event now at #${predecessor}`;
          const expectedAfter = previous.sequence === 0 ? 'as the first event' : `after event #${previous.sequence}`;
          report({
            kind: 'reorder',
            ...at,
            message:
              `${name} was sealed ${sealedAfter}, not ${expectedAfter}` +
              `${sealedAt === undefined ? '' : ` (its place was #${sealedAt})`}: events were reordered`,
          });
        } else {
          report({
            kind: 'deletion',
            ...at,
            message: `${name} does not follow event #${previous.sequence}: the event it was sealed after is gone (deleted or replaced)`,
          });
        }
      }
      // A moved event still matches its hash at the position it was sealed at: reported above.
      if (!moved && recomputeHash(row) !== row.hash) {
        report({ kind: 'edit', ...at, message: `${name} was edited: its content no longer matches its hash` });
      }
      if (row.signature === null || row.signatureKeyId === null) {
        if (firstSigned === undefined) unsignedBeforeSigning += 1;
        else {
          report({
            kind: 'signature',
            ...at,
            message: `${name} is not signed, though every event since #${firstSigned} is: the audit service did not write it`,
          });
        }
      } else {
        firstSigned ??= row.sequence;
        const signature = checkEventSignature(row.hash, { keyId: row.signatureKeyId, signature: row.signature }, input.trusted);
        if (signature !== 'valid') {
          report({
            kind: 'signature',
            ...at,
            message:
              signature === 'unknown key'
                ? `${name} is signed by key ${row.signatureKeyId}, which is not a trusted verify key: the audit service did not write it`
                : `${name} has a signature that does not verify over its hash: forged (not written by the audit service), or re-sealed after it was signed`,
          });
        }
      }
      if (row.hashVersion < previous.version) {
        report({ kind: 'edit', ...at, message: `${name} claims an older hash formula than the events before it` });
      }
      for (const checkpoint of bySequence.get(row.sequence) ?? []) {
        visitedAnchors.add(checkpoint.number);
        if (checkpoint.headHash === row.hash) {
          lastGood = checkpoint;
        } else if (!rewriteReported) {
          rewriteReported = true;
          const since = lastGood ? `after checkpoint #${lastGood.number} (event #${lastGood.sequence}), which still holds` : 'from the first event on';
          report({
            kind: 'rewrite',
            ...at,
            checkpoint: checkpoint.number,
            message:
              `checkpoint #${checkpoint.number} signed hash ${short(checkpoint.headHash)} for event #${row.sequence}; the table has ${short(row.hash)}: ` +
              `the trail was rewritten and re-sealed ${since}, up to event #${row.sequence}`,
          });
        } else {
          laterMismatches += 1;
        }
      }
      if (row.kind === 'INTENT') {
        openIntents.set(row.id, {
          sequence: row.sequence,
          id: row.id,
          principal: row.principal,
          occurredAt: row.occurredAt.toISOString(),
          operationName: row.operationName,
          fieldCoordinates: row.fieldCoordinates,
        });
      }
      if (row.kind === 'OUTCOME' && row.intentId) openIntents.delete(row.intentId);
      previous = { sequence: row.sequence, hash: row.hash, version: row.hashVersion };
    }
  }
  if (laterMismatches > 0) {
    report({ kind: 'rewrite', message: `${laterMismatches} later checkpoint(s) do not match the table either` });
  }

  // 4. Truncation, and checkpoints whose event is gone.
  if (lastAnchor && previous.sequence < lastAnchor.sequence) {
    report({
      kind: 'truncation',
      sequence: previous.sequence + 1,
      checkpoint: lastAnchor.number,
      message:
        `the table ends at event #${previous.sequence}, but checkpoint #${lastAnchor.number} (signed ${lastAnchor.signedAt}) covers events up to #${lastAnchor.sequence}: ` +
        `${range('event', previous.sequence + 1, lastAnchor.sequence)} removed from the end`,
    });
  }
  for (const checkpoint of [...anchors.values(), ...tableOnly]) {
    if (!visitedAnchors.has(checkpoint.number) && checkpoint.sequence <= previous.sequence) {
      report({ kind: 'deletion', sequence: checkpoint.sequence, checkpoint: checkpoint.number, message: `checkpoint #${checkpoint.number} covers event #${checkpoint.sequence}, which is not in the table` });
    }
  }
  if (unsignedBeforeSigning > 0) {
    notes.push(`${unsignedBeforeSigning} event(s) recorded before event signing began carry no signature; the checkpoints anchor them`);
  }
  if (suppressed > 0) findings.push({ kind: findings[findings.length - 1]!.kind, message: `…and ${suppressed} more findings` });

  return {
    events: count,
    lastSequence: previous.sequence,
    checkpoints: { table: table.length, sink: sinkCount, lastAnchored: lastAnchor && { number: lastAnchor.number, sequence: lastAnchor.sequence } },
    unanchoredEvents: Math.max(0, previous.sequence - (lastAnchor?.sequence ?? 0)),
    openIntents: [...openIntents.values()],
    findings,
    notes,
  };
}

/**
 * Where a version-2 event that sits in the wrong place was sealed: its hash covers its
 * position. Tried right after the event it names as predecessor (moved alone), and
 * nearby (moved together with its neighbours, e.g. two events swapped).
 */
function sealedPosition(row: AuditEventRow, predecessor: number): number | undefined {
  if (row.hashVersion < 2) return undefined;
  const candidates = [predecessor + 1, predecessor];
  for (let distance = 1; distance <= 64; distance += 1) candidates.push(row.sequence + distance, row.sequence - distance);
  return candidates.find((position) => position >= 1 && position !== row.sequence && recomputeHash(row, row.previousHash, position) === row.hash);
}

function range(what: string, from: number, to: number): string {
  return from === to ? `${what} #${from} is` : `${what}s #${from}–#${to} are`;
}
