import { idempotencyKeysTable } from '@mission-graph/service-kit';
import { sql } from 'drizzle-orm';
import { check, date, foreignKey, index, integer, pgSchema, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/** Every table of this pillar lives in its own Postgres schema; no other service reads it. */
export const PG_SCHEMA = 'police_cooperation';

/**
 * Deliberately not exported: drizzle-kit emits `CREATE SCHEMA` for every exported
 * pgSchema, but the migrator has already created this schema to hold its journal
 * (the kit's `migrationsSchema`), so that statement would fail on every fresh database.
 */
const policeCooperation = pgSchema(PG_SCHEMA);

/** The partner a request travels to or from (GraphQL `ExchangeChannel`). */
export const exchangeChannel = policeCooperation.enum('exchange_channel', [
  'EUROPOL',
  'SERBIAN_MOI',
  'INTERPOL',
]);

/** Whether Kosovo Police received the request from the partner or sent it. */
export const exchangeDirection = policeCooperation.enum('exchange_direction', ['RECEIVED', 'SENT']);

/** Workflow state; the legal moves between them are in domain/exchange-workflow.ts. */
export const exchangeRequestStatus = policeCooperation.enum('exchange_request_status', [
  'RECEIVED',
  'SENT',
  'FORWARDED',
  'ANSWERED',
  'CLOSED',
  'REJECTED',
]);

/** Handling code of the EU manual / Europol: how the information may be used and passed on. */
export const handlingCode = policeCooperation.enum('handling_code', ['H0', 'H1', 'H2', 'H3']);

/** Source reliability of the 4x4 evaluation: A, B, C, or X (cannot be assessed). */
export const sourceReliability = policeCooperation.enum('source_reliability', ['A', 'B', 'C', 'X']);

/** Information accuracy of the 4x4 evaluation, 1 (not in doubt) to 4 (not corroborated). */
export const informationAccuracy = policeCooperation.enum('information_accuracy', ['1', '2', '3', '4']);

/**
 * Serial numbers of new references, one sequence per channel (the reference carries a
 * per-channel serial). The seed and the scale seed move them past the rows they add.
 */
export const europolReferenceSerial = policeCooperation.sequence('exchange_reference_serial_europol');
export const serbianMoiReferenceSerial = policeCooperation.sequence('exchange_reference_serial_serbian_moi');
export const interpolReferenceSerial = policeCooperation.sequence('exchange_reference_serial_interpol');

export const informationExchangeRequests = policeCooperation.table(
  'information_exchange_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reference: text('reference').notNull().unique('information_exchange_requests_reference_unique'),
    channel: exchangeChannel('channel').notNull(),
    direction: exchangeDirection('direction').notNull(),
    counterpart: text('counterpart').notNull(),
    kosovoPoliceUnit: text('kosovo_police_unit').notNull(),
    requestDate: date('request_date', { mode: 'string' }).notNull(),
    answeredOn: date('answered_on', { mode: 'string' }),
    status: exchangeRequestStatus('status').notNull(),
    /** Personal data: kept in its own column so access rules can single it out. */
    subject: text('subject').notNull(),
    /**
     * A forensics `MissingPerson` id. No foreign key: that table belongs to another
     * service; the link is resolved through federation.
     */
    missingPersonId: uuid('missing_person_id'),
    /** Legal basis of the exchange; required for the Serbian MoI channel (the protocol on police cooperation). */
    legalBasis: text('legal_basis'),
    handlingCode: handlingCode('handling_code').notNull(),
    /** The conditions of an H3 handling code, required with H3 and only with it. */
    handlingConditions: text('handling_conditions'),
    sourceReliability: sourceReliability('source_reliability').notNull(),
    informationAccuracy: informationAccuracy('information_accuracy').notNull(),
  },
  (table) => [
    check('information_exchange_requests_reference_format', sql`${table.reference} ~ '^[A-Z]{3}-[0-9]{4}-[0-9]{6}$'`),
    // The reference's year is the request date's year: a reference fragment naming a
    // year may narrow the date range (the store's prefix search relies on it).
    check(
      'information_exchange_requests_reference_year',
      sql`substr(${table.reference}, 5, 4) = to_char(${table.requestDate}, 'YYYY')`,
    ),
    check('information_exchange_requests_counterpart_present', sql`btrim(${table.counterpart}) <> ''`),
    check('information_exchange_requests_unit_present', sql`btrim(${table.kosovoPoliceUnit}) <> ''`),
    check('information_exchange_requests_subject_present', sql`btrim(${table.subject}) <> ''`),
    check(
      'information_exchange_requests_answered_after_request',
      sql`${table.answeredOn} is null or ${table.answeredOn} >= ${table.requestDate}`,
    ),
    // An answer date belongs to answered (or answered, then closed) requests, and an
    // ANSWERED request always has one. A CLOSED request may have been closed unanswered.
    check(
      'information_exchange_requests_answered_on_matches_status',
      sql`(${table.answeredOn} is null or ${table.status} in ('ANSWERED', 'CLOSED')) and (${table.status} <> 'ANSWERED' or ${table.answeredOn} is not null)`,
    ),
    // The entry states mirror the direction: a request Kosovo Police received starts
    // as RECEIVED, one it sent starts as SENT.
    check(
      'information_exchange_requests_entry_status_matches_direction',
      sql`(${table.status} <> 'RECEIVED' or ${table.direction} = 'RECEIVED') and (${table.status} <> 'SENT' or ${table.direction} = 'SENT')`,
    ),
    check(
      'information_exchange_requests_h3_conditions',
      sql`(${table.handlingCode} = 'H3') = coalesce(btrim(${table.handlingConditions}) <> '', false) and (${table.handlingConditions} is null or btrim(${table.handlingConditions}) <> '')`,
    ),
    check(
      'information_exchange_requests_legal_basis_present',
      sql`${table.legalBasis} is null or btrim(${table.legalBasis}) <> ''`,
    ),
    check(
      'information_exchange_requests_serbian_moi_legal_basis',
      sql`${table.channel} <> 'SERBIAN_MOI' or ${table.legalBasis} is not null`,
    ),
    check(
      'information_exchange_requests_text_lengths',
      sql`char_length(${table.counterpart}) <= 200 and char_length(${table.kosovoPoliceUnit}) <= 200 and char_length(${table.subject}) <= 500 and coalesce(char_length(${table.legalBasis}), 0) <= 500 and coalesce(char_length(${table.handlingConditions}), 0) <= 500`,
    ),
    // Each index ends with the list order (request_date desc, id desc), so a filtered
    // page is an index range scan, not a sort. The period figures use the first one.
    index('information_exchange_requests_date_id_idx').on(table.requestDate, table.id),
    index('information_exchange_requests_channel_date_id_idx').on(table.channel, table.requestDate, table.id),
    index('information_exchange_requests_status_date_id_idx').on(table.status, table.requestDate, table.id),
    index('information_exchange_requests_handling_date_id_idx').on(table.handlingCode, table.requestDate, table.id),
    index('information_exchange_requests_direction_date_id_idx').on(table.direction, table.requestDate, table.id),
    // Covers exchangeStatistics: a period's rows are read from the index alone, not the heap.
    index('information_exchange_requests_statistics_idx').on(
      table.requestDate,
      table.channel,
      table.direction,
      table.status,
      table.answeredOn,
    ),
    // Reference fragments that start with the channel prefix are prefix searches (LIKE 'EUR-2013-%').
    index('information_exchange_requests_reference_pattern_idx').using('btree', table.reference.op('text_pattern_ops')),
    index('information_exchange_requests_missing_person_idx')
      .on(table.missingPersonId, table.requestDate, table.id)
      .where(sql`${table.missingPersonId} is not null`),
  ],
);

/**
 * The history of a request: one row per state it entered, numbered from 1 (recording,
 * no previous state). Each later row names the row before it by (sequence, state, day)
 * through a composite foreign key, so the chain cannot skip, fork, change the state it
 * came from or go back in time; the CHECK allows only the workflow's legal steps.
 */
export const exchangeRequestTransitions = policeCooperation.table(
  'exchange_request_transitions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => informationExchangeRequests.id, { onDelete: 'cascade' }),
    sequence: integer('sequence').notNull(),
    fromStatus: exchangeRequestStatus('from_status'),
    toStatus: exchangeRequestStatus('to_status').notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    /** The previous row's sequence and day (null on the first row): the chain's foreign key. */
    previousSequence: integer('previous_sequence'),
    previousOccurredOn: date('previous_occurred_on', { mode: 'string' }),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (table) => [
    unique('exchange_request_transitions_request_sequence_unique').on(table.requestId, table.sequence),
    unique('exchange_request_transitions_chain_target').on(table.requestId, table.sequence, table.toStatus, table.occurredOn),
    foreignKey({
      name: 'exchange_request_transitions_previous_fk',
      columns: [table.requestId, table.previousSequence, table.fromStatus, table.previousOccurredOn],
      foreignColumns: [table.requestId, table.sequence, table.toStatus, table.occurredOn],
    }),
    check(
      'exchange_request_transitions_chain_shape',
      sql`case when ${table.sequence} = 1
        then ${table.fromStatus} is null and ${table.previousSequence} is null and ${table.previousOccurredOn} is null
        else ${table.fromStatus} is not null and ${table.previousSequence} = ${table.sequence} - 1
          and ${table.previousOccurredOn} is not null and ${table.occurredOn} >= ${table.previousOccurredOn} end`,
    ),
    check(
      'exchange_request_transitions_legal_step',
      sql`case
        when ${table.fromStatus} is null then ${table.toStatus} in ('RECEIVED', 'SENT')
        when ${table.fromStatus} in ('RECEIVED', 'SENT') then ${table.toStatus} in ('FORWARDED', 'REJECTED')
        when ${table.fromStatus} = 'FORWARDED' then ${table.toStatus} in ('ANSWERED', 'REJECTED')
        when ${table.fromStatus} = 'ANSWERED' then ${table.toStatus} = 'CLOSED'
        else false end`,
    ),
  ],
);

/**
 * Idempotency keys of this subgraph's `record…` mutations (the kit's one mechanism,
 * `recordOnce`): per client, the payload hash and the id of what the first call recorded.
 */
export const idempotencyKeys = idempotencyKeysTable(policeCooperation);

export const schema = {
  idempotencyKeys,
  exchangeChannel,
  exchangeDirection,
  exchangeRequestStatus,
  handlingCode,
  sourceReliability,
  informationAccuracy,
  europolReferenceSerial,
  serbianMoiReferenceSerial,
  interpolReferenceSerial,
  informationExchangeRequests,
  exchangeRequestTransitions,
};

export type InformationExchangeRequestRow = typeof informationExchangeRequests.$inferSelect;
export type ExchangeChannel = (typeof exchangeChannel.enumValues)[number];
export type ExchangeDirection = (typeof exchangeDirection.enumValues)[number];
export type ExchangeRequestStatus = (typeof exchangeRequestStatus.enumValues)[number];
export type HandlingCode = (typeof handlingCode.enumValues)[number];
export type SourceReliability = (typeof sourceReliability.enumValues)[number];
export type InformationAccuracy = (typeof informationAccuracy.enumValues)[number];
export type ExchangeRequestTransitionRow = typeof exchangeRequestTransitions.$inferSelect;
