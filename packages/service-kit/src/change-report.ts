import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { auditedEntity, type AuditedEntity } from './audit-contract.js';

/**
 * What a mutation changed, as the subgraph that changed it reports it — whatever the
 * client selected (a payload of `__typename` shows nothing, yet the gateway's OUTCOME
 * event must name the witness that got a new officer). One mechanism for every subgraph:
 *
 * - a resolver (or the code it calls) says `reportChanged(context, { type, id, owner? })`
 *   once the change is committed;
 * - the kit puts the list of every mutation's response in `extensions.missionGraphChanges`
 *   as `{ records, mac }`, also when it is empty, so a missing report means "not a kit
 *   subgraph / lost", never "nothing changed";
 * - `mac` = HMAC-SHA256 keyed with the internal token of the very request it answers (a
 *   secret only the gateway that signed it and the subgraph it was addressed to hold),
 *   over the records. The gateway accepts a report only with a valid MAC for the token it
 *   sent, so a report copied from another response, or written by anything but the
 *   subgraph it asked, does not count (docs/design-decisions.md).
 * The gateway strips the extension before anything reaches the client.
 */
export const CHANGES_EXTENSION = 'missionGraphChanges';

/** A changed record: `{ type, id }`, with `owner` for a nested record (a Relocation's ProtectedWitness). */
export type ChangedRecord = AuditedEntity;

/** The `extensions.missionGraphChanges` of a mutation's response. */
export interface ChangeReport {
  records: ChangedRecord[];
  mac: string;
}

const reported = new WeakMap<object, ChangedRecord[]>();

/**
 * Records that this request's mutation changed `records` (call it after the change is
 * committed: a rolled-back change is not one). `context` is the resolver's context.
 */
export function reportChanged(context: object, ...records: readonly ChangedRecord[]): void {
  let list = reported.get(context);
  if (!list) reported.set(context, (list = []));
  for (const record of records) {
    const clean = canonicalRecord(record);
    if (!list.some((known) => sameRecord(known, clean))) list.push(clean);
  }
}

/** What `reportChanged` collected for this request so far. */
export function changesReported(context: object): readonly ChangedRecord[] {
  return reported.get(context) ?? [];
}

/** The MAC of a report, keyed with the internal token of the request it answers. */
export function changeReportMac(internalToken: string, records: readonly ChangedRecord[]): string {
  return createHmac('sha256', internalToken)
    .update('mission-graph/changes/v1\n')
    .update(JSON.stringify(records.map(canonicalRecord)))
    .digest('base64url');
}

/**
 * The records of a report if it is well-formed and its MAC verifies with `internalToken`;
 * `undefined` otherwise (missing, malformed or forged).
 */
export function verifiedChanges(report: unknown, internalToken: string): ChangedRecord[] | undefined {
  if (typeof report !== 'object' || report === null) return undefined;
  const { records, mac } = report as Partial<ChangeReport>;
  if (!Array.isArray(records) || typeof mac !== 'string') return undefined;
  const parsed: ChangedRecord[] = [];
  for (const record of records) {
    const checked = auditedEntity.safeParse(record);
    if (!checked.success) return undefined;
    parsed.push(checked.data);
  }
  const expected = Buffer.from(changeReportMac(internalToken, parsed));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given) ? parsed : undefined;
}

/**
 * The kit's plugin: every mutation response carries its report, MACed with the
 * request's internal token (the kit verified that token before anything ran).
 */
export function changeReportPlugin<Ctx extends BaseContext>(): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue, request, response }) {
          if (operation?.operation !== 'mutation' || response.body.kind !== 'single') return;
          const token = /^Bearer (\S+)$/i.exec(request.http?.headers.get('authorization') ?? '')?.[1];
          if (!token) return;
          const records = [...changesReported(contextValue)];
          const result = response.body.singleResult;
          const report: ChangeReport = { records, mac: changeReportMac(token, records) };
          result.extensions = { ...result.extensions, [CHANGES_EXTENSION]: report };
        },
      };
    },
  };
}

/** Fixed key order (type, id, owner.type, owner.id), nothing else: what the MAC covers. */
function canonicalRecord(record: ChangedRecord): ChangedRecord {
  return {
    type: record.type,
    id: record.id,
    ...(record.owner ? { owner: { type: record.owner.type, id: record.owner.id } } : {}),
  };
}

function sameRecord(a: ChangedRecord, b: ChangedRecord): boolean {
  return a.type === b.type && a.id === b.id && a.owner?.type === b.owner?.type && a.owner?.id === b.owner?.id;
}
