import { idempotencyKeysTable } from '@mission-graph/service-kit';
import { sql } from 'drizzle-orm';
import {
  check,
  date,
  doublePrecision,
  index,
  pgSchema,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { MUNICIPALITIES } from '../domain/municipalities.js';
import { DISAPPEARANCE_PERIOD, MANDATE_START } from '../domain/periods.js';

/**
 * Tables of the forensics pillar, all in the Postgres schema `forensics`. The rules
 * that must hold whoever writes (seed, later mutations, a DBA) live here as
 * constraints; indexes follow the keyset orderings and filters of the stores.
 *
 * `forensics` is deliberately not exported: drizzle-kit would then emit
 * `CREATE SCHEMA "forensics"`, which fails because the migrator has already created
 * that schema for its journal (the kit keeps the journal in the service's schema).
 */
const forensics = pgSchema('forensics');

/** A date constant written into a CHECK (drizzle-kit renders constraints as plain SQL). */
const dateLiteral = (isoDate: string) => sql.raw(`date '${isoDate}'`);

/** The known municipality names as an SQL list, for `municipality in (...)` checks. */
const municipalityList = sql.raw(MUNICIPALITIES.map((m) => `'${m.name.replaceAll("'", "''")}'`).join(', '));

export const missingPersonStatus = forensics.enum('missing_person_status', [
  'MISSING',
  'REMAINS_RECOVERED',
  'IDENTIFIED',
  'CLOSED',
]);

/** Why a missing-person case was closed without an identification by the mission (a fixed list). */
export const caseClosureReason = forensics.enum('case_closure_reason', [
  'FOUND_ALIVE',
  'IDENTIFIED_BY_OTHER_AUTHORITY',
  'DUPLICATE_CASE',
  'REPORT_WITHDRAWN',
]);

export const graveSiteKind = forensics.enum('grave_site_kind', ['CLANDESTINE', 'UNMARKED', 'MASS']);

export const graveSiteStatus = forensics.enum('grave_site_status', [
  'SUSPECTED',
  'CONFIRMED',
  'EXHAUSTED',
]);

export const fieldOperationKind = forensics.enum('field_operation_kind', [
  'ASSESSMENT',
  'SURVEY',
  'EXCAVATION',
  'EXHUMATION',
]);

export const mortalRemainsStatus = forensics.enum('mortal_remains_status', [
  'UNIDENTIFIED',
  'UNDER_REVIEW',
  'IDENTIFIED',
  'RETURNED',
]);

export const identificationMethod = forensics.enum('identification_method', [
  'DNA',
  'ANTHROPOLOGICAL',
  'DENTAL',
  'FINGERPRINTS',
  'CIRCUMSTANTIAL',
]);

/** What a morgue review of unidentified remains decides to do next. */
export const morgueNextAction = forensics.enum('morgue_next_action', [
  'NEW_DNA_SAMPLES',
  'ANTHROPOLOGICAL_REEXAMINATION',
  'ANTE_MORTEM_COMPARISON',
  'REASSOCIATION',
  'NO_FURTHER_ACTION',
]);

export const missingPersons = forensics.table(
  'missing_persons',
  {
    id: uuid('id').primaryKey(),
    caseNumber: text('case_number').notNull().unique(),
    disappearanceDate: date('disappearance_date', { mode: 'string' }).notNull(),
    status: missingPersonStatus('status').notNull().default('MISSING'),
    /** Not personal data: where the case is registered. */
    municipality: text('municipality').notNull(),
    // Personal data, one column each, so access rules can be attached field by field.
    fullName: text('full_name').notNull(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }),
    placeLastSeen: text('place_last_seen'),
    /** How to reach the family (name and phone or address). Personal data. */
    familyContact: text('family_contact'),
    /** Day the case was closed, and why; both set exactly when the status is CLOSED. */
    closedOn: date('closed_on', { mode: 'string' }),
    closureReason: caseClosureReason('closure_reason'),
    // Deliberately no ethnicity, religion or national origin: the mandate covers every
    // missing person of the period regardless of them, so the model never records them.
  },
  (t) => [
    check('missing_persons_case_number_format', sql`${t.caseNumber} ~ '^MP-[0-9]{4}-[0-9]{5}$'`),
    check(
      'missing_persons_disappearance_in_period',
      sql`${t.disappearanceDate} between ${dateLiteral(DISAPPEARANCE_PERIOD.from)} and ${dateLiteral(DISAPPEARANCE_PERIOD.to)}`,
    ),
    check('missing_persons_born_before_disappearance', sql`${t.dateOfBirth} <= ${t.disappearanceDate}`),
    check(
      'missing_persons_case_number_year',
      sql`substr(${t.caseNumber}, 4, 4) = extract(year from ${t.disappearanceDate})::int::text`,
    ),
    check('missing_persons_municipality_known', sql`${t.municipality} in (${municipalityList})`),
    check('missing_persons_name_given', sql`btrim(${t.fullName}) <> ''`),
    check(
      'missing_persons_closed_with_reason',
      sql`(${t.status} = 'CLOSED') = (${t.closedOn} is not null) and (${t.closedOn} is null) = (${t.closureReason} is null)`,
    ),
    check('missing_persons_closed_within_mandate', sql`${t.closedOn} >= ${dateLiteral(MANDATE_START)}`),
    index('missing_persons_by_disappearance').on(t.disappearanceDate, t.caseNumber),
    index('missing_persons_by_status').on(t.status, t.disappearanceDate, t.caseNumber),
    index('missing_persons_by_municipality').on(t.municipality, t.disappearanceDate, t.caseNumber),
  ],
);

export const graveSites = forensics.table(
  'grave_sites',
  {
    id: uuid('id').primaryKey(),
    siteCode: text('site_code').notNull().unique(),
    kind: graveSiteKind('kind').notNull(),
    status: graveSiteStatus('status').notNull().default('SUSPECTED'),
    municipality: text('municipality').notNull(),
    latitude: doublePrecision('latitude').notNull(),
    longitude: doublePrecision('longitude').notNull(),
  },
  (t) => [
    check('grave_sites_latitude_range', sql`${t.latitude} between -90 and 90`),
    check('grave_sites_longitude_range', sql`${t.longitude} between -180 and 180`),
    check('grave_sites_site_code_format', sql`${t.siteCode} ~ '^GS-[0-9]{4,}$'`),
    check('grave_sites_municipality_known', sql`${t.municipality} in (${municipalityList})`),
    index('grave_sites_by_kind').on(t.kind, t.siteCode),
    index('grave_sites_by_status').on(t.status, t.siteCode),
    index('grave_sites_by_municipality').on(t.municipality, t.siteCode),
  ],
);

export const fieldOperations = forensics.table(
  'field_operations',
  {
    id: uuid('id').primaryKey(),
    reference: text('reference').notNull().unique(),
    kind: fieldOperationKind('kind').notNull(),
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    endedOn: date('ended_on', { mode: 'string' }),
    siteId: uuid('site_id').references(() => graveSites.id),
    partnerInstitutions: text('partner_institutions').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [
    check('field_operations_within_mandate', sql`${t.startedOn} >= ${dateLiteral(MANDATE_START)}`),
    check('field_operations_ends_after_start', sql`${t.endedOn} >= ${t.startedOn}`),
    // Digging happens at a known site; surveys and assessments may cover an area.
    check(
      'field_operations_digging_needs_site',
      sql`${t.kind} not in ('EXCAVATION', 'EXHUMATION') or ${t.siteId} is not null`,
    ),
    check('field_operations_reference_format', sql`${t.reference} ~ '^FO-[0-9]{4}-[0-9]{4,}$'`),
    check(
      'field_operations_reference_year',
      sql`substr(${t.reference}, 4, 4) = extract(year from ${t.startedOn})::int::text`,
    ),
    check('field_operations_partners_named', sql`'' <> all(${t.partnerInstitutions})`),
    index('field_operations_by_start').on(t.startedOn.desc(), t.id.desc()),
    index('field_operations_by_kind').on(t.kind, t.startedOn.desc(), t.id.desc()),
    index('field_operations_by_site').on(t.siteId),
  ],
);

export const mortalRemains = forensics.table(
  'mortal_remains',
  {
    id: uuid('id').primaryKey(),
    reference: text('reference').notNull().unique(),
    /** Null for remains recovered before the mandate (handed over to the morgue). */
    recoveredByOperationId: uuid('recovered_by_operation_id').references(() => fieldOperations.id),
    heldAt: text('held_at'),
    status: mortalRemainsStatus('status').notNull().default('UNIDENTIFIED'),
  },
  (t) => [
    // Returned remains are with their family, no longer held by an institution.
    check('mortal_remains_held_unless_returned', sql`(${t.status} = 'RETURNED') = (${t.heldAt} is null)`),
    check('mortal_remains_reference_format', sql`${t.reference} ~ '^MR-[0-9]{5,}$'`),
    index('mortal_remains_by_status').on(t.status, t.reference),
    index('mortal_remains_by_operation').on(t.recoveredByOperationId),
  ],
);

export const identifications = forensics.table(
  'identifications',
  {
    id: uuid('id').primaryKey(),
    // A set of remains identifies at most one individual, and one missing person is
    // identified at most once; individuals not on the missing-persons list have no link.
    remainsId: uuid('remains_id')
      .notNull()
      .unique()
      .references(() => mortalRemains.id),
    missingPersonId: uuid('missing_person_id')
      .unique()
      .references(() => missingPersons.id),
    method: identificationMethod('method').notNull(),
    identifiedOn: date('identified_on', { mode: 'string' }).notNull(),
    confirmingInstitution: text('confirming_institution').notNull(),
    /** Day the family was told (their right to know); null while not yet notified. */
    familyNotifiedOn: date('family_notified_on', { mode: 'string' }),
  },
  (t) => [
    check('identifications_family_notified_after_identification', sql`${t.familyNotifiedOn} >= ${t.identifiedOn}`),
    check('identifications_within_mandate', sql`${t.identifiedOn} >= ${dateLiteral(MANDATE_START)}`),
    check('identifications_institution_named', sql`${t.confirmingInstitution} <> ''`),
    index('identifications_by_date').on(t.identifiedOn.desc(), t.id.desc()),
    index('identifications_by_method').on(t.method, t.identifiedOn.desc(), t.id.desc()),
  ],
);

/**
 * Reviews of unidentified remains at the morgue: what was found and what is done next.
 * A trigger (migration `morgue_and_status_workflow_rules`) refuses a review of remains
 * that are already identified or returned.
 */
export const morgueReviews = forensics.table(
  'morgue_reviews',
  {
    id: uuid('id').primaryKey(),
    remainsId: uuid('remains_id')
      .notNull()
      .references(() => mortalRemains.id),
    reviewedOn: date('reviewed_on', { mode: 'string' }).notNull(),
    findings: text('findings').notNull(),
    nextAction: morgueNextAction('next_action').notNull(),
  },
  (t) => [
    check('morgue_reviews_within_mandate', sql`${t.reviewedOn} >= ${dateLiteral(MANDATE_START)}`),
    check('morgue_reviews_findings_given', sql`btrim(${t.findings}) <> ''`),
    index('morgue_reviews_by_remains').on(t.remainsId, t.reviewedOn.desc(), t.id.desc()),
  ],
);

/**
 * The return of identified remains to their family: when, and to whom (personal data:
 * the receiving relative's name, and relationship when given). One per set of remains;
 * it moves them to RETURNED in the same transaction, and a deferred trigger (migration
 * `return_remains_and_close_cases`) refuses RETURNED remains without one. Never rewritten.
 */
export const remainsHandovers = forensics.table(
  'remains_handovers',
  {
    id: uuid('id').primaryKey(),
    remainsId: uuid('remains_id')
      .notNull()
      .unique()
      .references(() => mortalRemains.id),
    handedOverOn: date('handed_over_on', { mode: 'string' }).notNull(),
    /** Who received the remains for the family. Personal data. */
    receivingRelative: text('receiving_relative').notNull(),
  },
  (t) => [
    check('remains_handovers_within_mandate', sql`${t.handedOverOn} >= ${dateLiteral(MANDATE_START)}`),
    check('remains_handovers_relative_named', sql`length(btrim(${t.receivingRelative})) between 1 and 300`),
  ],
);

/**
 * Idempotency keys of this subgraph's `record…` mutations (the kit's one mechanism,
 * `recordOnce`): per client, the payload hash and the id of what the first call recorded.
 */
export const idempotencyKeys = idempotencyKeysTable(forensics);
export type IdentificationRow = typeof identifications.$inferSelect;
export type FieldOperationRow = typeof fieldOperations.$inferSelect;
export type GraveSiteRow = typeof graveSites.$inferSelect;
export type MortalRemainsRow = typeof mortalRemains.$inferSelect;
export type RemainsHandoverRow = typeof remainsHandovers.$inferSelect;
export type MorgueReviewRow = typeof morgueReviews.$inferSelect;
export type MissingPersonRow = typeof missingPersons.$inferSelect;

// The enums' value types: defined once, by the pgEnums above; the domain imports them.
export type MissingPersonStatus = (typeof missingPersonStatus.enumValues)[number];
export type CaseClosureReason = (typeof caseClosureReason.enumValues)[number];
export type GraveSiteKind = (typeof graveSiteKind.enumValues)[number];
export type GraveSiteStatus = (typeof graveSiteStatus.enumValues)[number];
export type FieldOperationKind = (typeof fieldOperationKind.enumValues)[number];
export type MortalRemainsStatus = (typeof mortalRemainsStatus.enumValues)[number];
export type IdentificationMethod = (typeof identificationMethod.enumValues)[number];
export type MorgueNextAction = (typeof morgueNextAction.enumValues)[number];
