import { sql } from 'drizzle-orm';
import { check, date, index, pgSchema, text, uuid } from 'drizzle-orm/pg-core';

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

/** Workflow state; the transitions between them arrive with the workflow issue. */
export const exchangeRequestStatus = policeCooperation.enum('exchange_request_status', [
  'RECEIVED',
  'SENT',
  'FORWARDED',
  'ANSWERED',
  'CLOSED',
  'REJECTED',
]);

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
  },
  (table) => [
    check('information_exchange_requests_reference_format', sql`${table.reference} ~ '^[A-Z]{3}-[0-9]{4}-[0-9]{6}$'`),
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
    // Each index ends with the list order (request_date desc, id desc), so a filtered
    // page is an index range scan, not a sort. The period figures use the first one.
    index('information_exchange_requests_date_id_idx').on(table.requestDate, table.id),
    index('information_exchange_requests_channel_date_id_idx').on(table.channel, table.requestDate, table.id),
    index('information_exchange_requests_status_date_id_idx').on(table.status, table.requestDate, table.id),
    index('information_exchange_requests_missing_person_idx')
      .on(table.missingPersonId, table.requestDate, table.id)
      .where(sql`${table.missingPersonId} is not null`),
  ],
);

export const schema = {
  exchangeChannel,
  exchangeDirection,
  exchangeRequestStatus,
  informationExchangeRequests,
};

export type InformationExchangeRequestRow = typeof informationExchangeRequests.$inferSelect;
export type ExchangeChannel = (typeof exchangeChannel.enumValues)[number];
export type ExchangeDirection = (typeof exchangeDirection.enumValues)[number];
export type ExchangeRequestStatus = (typeof exchangeRequestStatus.enumValues)[number];
