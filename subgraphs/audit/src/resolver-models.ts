/**
 * What each GraphQL type of this subgraph resolves from, where that is not the GraphQL
 * shape itself: the mappers of the generated resolver types (codegen.ts).
 */
import type { Connection } from '@mission-graph/service-kit';
import type { AuditEventRow } from './db/schema.js';

/** A stored event; `occurredAt` is a Date, `intentStatus` and the follow-up ids are resolved. */
export type AuditEventModel = AuditEventRow;
export type AuditEventConnectionModel = Connection<AuditEventRow>;
