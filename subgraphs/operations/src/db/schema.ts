import { idempotencyKeysTable, type Db } from '@mission-graph/service-kit';
import { sql } from 'drizzle-orm';
import {
  check,
  date,
  foreignKey,
  index,
  integer,
  pgSchema,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The operations read model: the three-tier security mechanism, the Formed Police Unit
 * and what it does (engagements, deployments, patrols, exercises). Invariants that
 * hold for every row live here as constraints, so no writer (seed, future mutations,
 * a psql session) can break them. Indexes are ascending: lists run newest first by
 * scanning them backwards, which PostgreSQL does for `order by a desc, b desc`.
 */
export const PG_SCHEMA = 'operations';
/**
 * Deliberately not exported: drizzle-kit emits `CREATE SCHEMA` for every exported
 * schema object, and that statement fails because the kit's migrator has already
 * created this schema to hold its migration journal (`migrationsSchema`).
 */
const operations = pgSchema(PG_SCHEMA);

/**
 * Declared in tier order on purpose: PostgreSQL compares enum values by declaration
 * order, which lets `engagement_requests` check that a request escalates upwards.
 */
export const securityResponderCode = operations.enum('security_responder_code', [
  'KOSOVO_POLICE',
  'EULEX_FPU',
  'KFOR',
]);
export const incidentKind = operations.enum('incident_kind', ['CIVIL_DISTURBANCE', 'RIOT', 'OTHER']);
export const engagementDecision = operations.enum('engagement_decision', [
  'PENDING',
  'ACCEPTED',
  'DECLINED',
  'WITHDRAWN',
]);
export const patrolKind = operations.enum('patrol_kind', ['MOBILE_RECONNAISSANCE']);
export const exerciseKind = operations.enum('exercise_kind', ['CROWD_AND_RIOT_CONTROL']);
/** Polish Police ranks, most junior first, so `order by rank desc` lists seniors first. */
export const officerRank = operations.enum('officer_rank', [
  'CONSTABLE',
  'SENIOR_CONSTABLE',
  'SERGEANT',
  'SENIOR_SERGEANT',
  'STAFF_SERGEANT',
  'JUNIOR_ASPIRANT',
  'ASPIRANT',
  'SENIOR_ASPIRANT',
  'STAFF_ASPIRANT',
  'SUB_COMMISSIONER',
  'COMMISSIONER',
  'CHIEF_COMMISSIONER',
  'SUB_INSPECTOR',
]);

/** An enum's qualified type name, for casts in raw SQL. */
export const typeOf = (enumType: { enumName: string }) =>
  sql`${sql.identifier(PG_SCHEMA)}.${sql.identifier(enumType.enumName)}`;

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
const calendarDay = (name: string) => date(name, { mode: 'string' });

export const securityResponders = operations.table(
  'security_responders',
  {
    code: securityResponderCode('code').primaryKey(),
    name: text('name').notNull().unique(),
    tier: smallint('tier').notNull().unique(),
    role: text('role').notNull(),
  },
  (t) => [
    // The tier is fixed by the mechanism; the code's enum order relies on it.
    check(
      'security_responders_tier_matches_code',
      sql`${t.tier} = case ${t.code} when 'KOSOVO_POLICE' then 1 when 'EULEX_FPU' then 2 when 'KFOR' then 3 end`,
    ),
  ],
);

export const formedPoliceUnits = operations.table(
  'formed_police_units',
  {
    id: uuid('id').primaryKey(),
    responderCode: securityResponderCode('responder_code')
      .notNull()
      .unique()
      .references(() => securityResponders.code),
    name: text('name').notNull().unique(),
    contributingCountry: text('contributing_country').notNull(),
    authorizedStrength: integer('authorized_strength').notNull(),
  },
  (t) => [
    check('formed_police_units_is_second_responder', sql`${t.responderCode} = 'EULEX_FPU'`),
    check('formed_police_units_authorized_strength_positive', sql`${t.authorizedStrength} > 0`),
  ],
);

export const officers = operations.table(
  'officers',
  {
    id: uuid('id').primaryKey(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => formedPoliceUnits.id),
    serviceNumber: text('service_number').notNull().unique(),
    rank: officerRank('rank').notNull(),
    fullName: text('full_name').notNull(),
  },
  (t) => [
    check('officers_full_name_not_blank', sql`btrim(${t.fullName}) <> ''`),
    index('officers_roster_idx').on(t.unitId, t.rank, t.id),
  ],
);

export const incidents = operations.table(
  'incidents',
  {
    id: uuid('id').primaryKey(),
    kind: incidentKind('kind').notNull(),
    occurredAt: instant('occurred_at').notNull(),
    municipality: text('municipality').notNull(),
    description: text('description').notNull(),
  },
  (t) => [
    check('incidents_municipality_not_blank', sql`btrim(${t.municipality}) <> ''`),
    check('incidents_description_not_blank', sql`btrim(${t.description}) <> ''`),
    index('incidents_by_time_idx').on(t.occurredAt, t.id),
    index('incidents_kind_by_time_idx').on(t.kind, t.occurredAt, t.id),
    index('incidents_municipality_by_time_idx').on(t.municipality, t.occurredAt, t.id),
  ],
);

export const engagementRequests = operations.table(
  'engagement_requests',
  {
    id: uuid('id').primaryKey(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    fromResponder: securityResponderCode('from_responder')
      .notNull()
      .references(() => securityResponders.code),
    toResponder: securityResponderCode('to_responder')
      .notNull()
      .references(() => securityResponders.code),
    requestedAt: instant('requested_at').notNull(),
    decision: engagementDecision('decision').notNull().default('PENDING'),
    decidedAt: instant('decided_at'),
  },
  (t) => [
    // A responder asks the next tier(s) up for help, never itself or a lower tier.
    check('engagement_requests_escalate_upwards', sql`${t.fromResponder} < ${t.toResponder}`),
    // Engagement moves one tier at a time: Kosovo Police asks the FPU, the FPU asks KFOR.
    check(
      'engagement_requests_one_tier_up',
      sql`(${t.fromResponder}, ${t.toResponder}) in (('KOSOVO_POLICE', 'EULEX_FPU'), ('EULEX_FPU', 'KFOR'))`,
    ),
    check(
      'engagement_requests_decided_at_iff_decided',
      sql`(${t.decision} = 'PENDING') = (${t.decidedAt} is null)`,
    ),
    check('engagement_requests_decided_after_requested', sql`${t.decidedAt} >= ${t.requestedAt}`),
    // Target of the deployments' composite key: a deployment's request is for its incident.
    unique('engagement_requests_id_incident_key').on(t.id, t.incidentId),
    index('engagement_requests_by_incident_idx').on(t.incidentId, t.requestedAt, t.id),
    // At most one live (pending or accepted) request per incident and requested tier.
    uniqueIndex('engagement_requests_one_live_per_tier_idx')
      .on(t.incidentId, t.toResponder)
      .where(sql`${t.decision} in ('PENDING', 'ACCEPTED')`),
  ],
);

export const deployments = operations.table(
  'deployments',
  {
    id: uuid('id').primaryKey(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => formedPoliceUnits.id),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    /** The first responder's request that authorises the deployment (no request, no deployment). */
    engagementRequestId: uuid('engagement_request_id').notNull().unique(),
    officersCommitted: integer('officers_committed').notNull(),
    startedAt: instant('started_at').notNull(),
    endedAt: instant('ended_at'),
  },
  (t) => [
    foreignKey({
      name: 'deployments_engagement_request_of_incident_fk',
      columns: [t.engagementRequestId, t.incidentId],
      foreignColumns: [engagementRequests.id, engagementRequests.incidentId],
    }),
    check('deployments_officers_committed_within_unit', sql`${t.officersCommitted} between 1 and 105`),
    check('deployments_end_after_start', sql`${t.endedAt} > ${t.startedAt}`),
    index('deployments_by_time_idx').on(t.startedAt, t.id),
    index('deployments_by_incident_idx').on(t.incidentId, t.startedAt),
    // Deployed strength sums the open deployments only.
    index('deployments_open_idx').on(t.unitId).where(sql`${t.endedAt} is null`),
  ],
);

export const patrols = operations.table(
  'patrols',
  {
    id: uuid('id').primaryKey(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => formedPoliceUnits.id),
    kind: patrolKind('kind').notNull().default('MOBILE_RECONNAISSANCE'),
    shiftStart: instant('shift_start').notNull(),
    shiftEnd: instant('shift_end').notNull(),
    area: text('area').notNull(),
    route: text('route').notNull(),
  },
  (t) => [
    check('patrols_shift_end_after_start', sql`${t.shiftEnd} > ${t.shiftStart}`),
    check('patrols_area_not_blank', sql`btrim(${t.area}) <> ''`),
    check('patrols_shift_at_most_a_day', sql`${t.shiftEnd} - ${t.shiftStart} <= interval '24 hours'`),
    unique('patrols_one_per_area_and_shift_key').on(t.area, t.shiftStart),
    index('patrols_by_time_idx').on(t.shiftStart, t.id),
  ],
);

export const exercises = operations.table(
  'exercises',
  {
    id: uuid('id').primaryKey(),
    title: text('title').notNull(),
    kind: exerciseKind('kind').notNull().default('CROWD_AND_RIOT_CONTROL'),
    startsOn: calendarDay('starts_on').notNull(),
    endsOn: calendarDay('ends_on').notNull(),
    location: text('location').notNull(),
    objectives: text('objectives').notNull(),
    /** What came of the exercise; null until recorded (recordExerciseOutcome). */
    outcome: text('outcome'),
    lessonsLearned: text('lessons_learned'),
    outcomeRecordedAt: instant('outcome_recorded_at'),
  },
  (t) => [
    check('exercises_ends_on_or_after_start', sql`${t.endsOn} >= ${t.startsOn}`),
    check('exercises_title_not_blank', sql`btrim(${t.title}) <> ''`),
    check('exercises_location_not_blank', sql`btrim(${t.location}) <> ''`),
    check('exercises_objectives_not_blank', sql`btrim(${t.objectives}) <> ''`),
    // An outcome comes whole: outcome, lessons learned and when it was recorded.
    check(
      'exercises_outcome_complete',
      sql`(${t.outcome} is null) = (${t.lessonsLearned} is null) and (${t.outcome} is null) = (${t.outcomeRecordedAt} is null)`,
    ),
    check('exercises_outcome_not_blank', sql`btrim(${t.outcome}) <> '' and btrim(${t.lessonsLearned}) <> ''`),
    // Recorded once the exercise has reached its last day (UTC).
    check(
      'exercises_outcome_after_last_day',
      sql`${t.outcomeRecordedAt} >= (${t.endsOn}::timestamp at time zone 'UTC')`,
    ),
    index('exercises_by_time_idx').on(t.startsOn, t.id),
  ],
);

/** Who takes part in an exercise; "at least two" is a domain rule (src/domain/exercise-participants.ts). */
export const exerciseParticipants = operations.table(
  'exercise_participants',
  {
    exerciseId: uuid('exercise_id')
      .notNull()
      .references(() => exercises.id, { onDelete: 'cascade' }),
    responderCode: securityResponderCode('responder_code')
      .notNull()
      .references(() => securityResponders.code),
  },
  (t) => [
    primaryKey({ columns: [t.exerciseId, t.responderCode] }),
    index('exercise_participants_by_responder_idx').on(t.responderCode, t.exerciseId),
  ],
);

/** The named officers of a deployment (optional: a deployment may give only a head count). */
export const deploymentOfficers = operations.table(
  'deployment_officers',
  {
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id),
    officerId: uuid('officer_id')
      .notNull()
      .references(() => officers.id),
  },
  (t) => [
    primaryKey({ columns: [t.deploymentId, t.officerId] }),
    index('deployment_officers_by_officer_idx').on(t.officerId, t.deploymentId),
  ],
);

/**
 * Idempotency keys of this subgraph's `record…` mutations (the kit's one mechanism,
 * `recordOnce`): per client, the payload hash and the id of what the first call recorded.
 */
export const idempotencyKeys = idempotencyKeysTable(operations);

export const schema = {
  idempotencyKeys,
  securityResponders,
  formedPoliceUnits,
  officers,
  incidents,
  engagementRequests,
  deployments,
  deploymentOfficers,
  patrols,
  exercises,
  exerciseParticipants,
};
export type OperationsSchema = typeof schema;

export type SecurityResponderCode = (typeof securityResponderCode.enumValues)[number];
export type OfficerRank = (typeof officerRank.enumValues)[number];
export type OperationsDb = Db<OperationsSchema>;
export type IncidentKind = (typeof incidentKind.enumValues)[number];
export type PatrolKind = (typeof patrolKind.enumValues)[number];
export type PatrolRow = typeof patrols.$inferSelect;
export type IncidentRow = typeof incidents.$inferSelect;
export type OfficerRow = typeof officers.$inferSelect;
export type SecurityResponderRow = typeof securityResponders.$inferSelect;
export type DeploymentRow = typeof deployments.$inferSelect;
export type EngagementRequestRow = typeof engagementRequests.$inferSelect;
export type ExerciseRow = typeof exercises.$inferSelect;
