import { idempotencyKeysTable } from '@mission-graph/service-kit';
import { sql } from 'drizzle-orm';
import { check, date, foreignKey, index, pgSchema, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/**
 * Read model of the Specialist Chambers pillar: support requests from the Kosovo
 * Specialist Chambers and the Specialist Prosecutor's Office, and the mission's own
 * witness protection programme. Invariants live in the database so that no writer
 * (seed, later workflows, a manual fix) can store what the graph could not explain.
 */
export const PG_SCHEMA = 'specialist_chambers';

// Deliberately not exported: drizzle-kit writes `CREATE SCHEMA` for an exported
// pgSchema, but the migrator has already created this schema to hold its journal
// (migrationsSchema is the service's own schema), so that statement would fail.
const specialistChambers = pgSchema(PG_SCHEMA);

export const supportRequestInstitution = specialistChambers.enum('support_request_institution', [
  'KOSOVO_SPECIALIST_CHAMBERS',
  'SPECIALIST_PROSECUTORS_OFFICE',
]);

export const supportRequestKind = specialistChambers.enum('support_request_kind', ['LOGISTIC', 'OPERATIONAL']);

export const supportRequestStatus = specialistChambers.enum('support_request_status', [
  'REQUESTED',
  'APPROVED',
  'DECLINED',
  'IN_PROGRESS',
  'COMPLETED',
]);

export const supportRequests = specialistChambers.table(
  'support_requests',
  {
    id: uuid('id').primaryKey(),
    reference: text('reference').notNull().unique('support_requests_reference_unique'),
    institution: supportRequestInstitution('institution').notNull(),
    kind: supportRequestKind('kind').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    requestedOn: date('requested_on', { mode: 'string' }).notNull(),
    status: supportRequestStatus('status').notNull().default('REQUESTED'),
    /**
     * The operations-pillar deployment that gives an operational request its officers
     * (a federation link: operations owns deployments, so no foreign key can check it).
     */
    deploymentId: uuid('deployment_id'),
  },
  (t) => [
    check('support_requests_reference_format', sql`${t.reference} ~ '^(KSC|SPO)-[0-9]{4}-[0-9]{4}$'`),
    // KSC-… references are the Chambers', SPO-… the Prosecutor's Office's.
    check(
      'support_requests_reference_matches_institution',
      sql`(${t.institution} = 'KOSOVO_SPECIALIST_CHAMBERS') = (${t.reference} like 'KSC-%')`,
    ),
    // Only support by police officers on the ground is given through a deployment.
    check('support_requests_deployment_only_operational', sql`${t.deploymentId} is null or ${t.kind} = 'OPERATIONAL'`),
    check('support_requests_title_not_blank', sql`length(trim(${t.title})) between 1 and 200`),
    check('support_requests_description_not_blank', sql`length(trim(${t.description})) > 0`),
    // The list order (newest first, id breaks ties) and each filter combined with it.
    index('support_requests_requested_on_id_idx').on(t.requestedOn.desc(), t.id.desc()),
    index('support_requests_institution_requested_on_idx').on(t.institution, t.requestedOn.desc(), t.id.desc()),
    index('support_requests_kind_requested_on_idx').on(t.kind, t.requestedOn.desc(), t.id.desc()),
    index('support_requests_status_requested_on_idx').on(t.status, t.requestedOn.desc(), t.id.desc()),
  ],
);

/**
 * The workflow history of a support request: one row per status it entered, the first
 * (`from_status` null) its submission. The legal moves are spelled out here; a trigger
 * (migration `support_request_and_witness_triggers`) refuses any other change of
 * `support_requests.status`, whoever writes it.
 */
export const supportRequestTransitions = specialistChambers.table(
  'support_request_transitions',
  {
    id: uuid('id').primaryKey(),
    supportRequestId: uuid('support_request_id')
      .notNull()
      .references(() => supportRequests.id),
    fromStatus: supportRequestStatus('from_status'),
    toStatus: supportRequestStatus('to_status').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'string' }).notNull(),
    note: text('note'),
  },
  (t) => [
    check(
      'support_request_transitions_legal',
      sql`(${t.fromStatus} is null and ${t.toStatus} = 'REQUESTED')
        or (${t.fromStatus} = 'REQUESTED' and ${t.toStatus} in ('APPROVED', 'DECLINED'))
        or (${t.fromStatus} = 'APPROVED' and ${t.toStatus} = 'IN_PROGRESS')
        or (${t.fromStatus} = 'IN_PROGRESS' and ${t.toStatus} = 'COMPLETED')`,
    ),
    check('support_request_transitions_note_length', sql`${t.note} is null or length(trim(${t.note})) between 1 and 2000`),
    index('support_request_transitions_request_occurred_at_idx').on(t.supportRequestId, t.occurredAt, t.id),
  ],
);

export const protectedWitnessStatus = specialistChambers.enum('protected_witness_status', [
  'REFERRED',
  'ASSESSED',
  'ADMITTED',
  'RELOCATED',
  'EXITED',
]);

export const witnessRiskLevel = specialistChambers.enum('witness_risk_level', ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

/** A witness in the programme, known only by codename here; identity sits in its own table. */
export const protectedWitnesses = specialistChambers.table(
  'protected_witnesses',
  {
    id: uuid('id').primaryKey(),
    codename: text('codename').notNull().unique('protected_witnesses_codename_unique'),
    status: protectedWitnessStatus('status').notNull().default('REFERRED'),
    riskLevel: witnessRiskLevel('risk_level').notNull(),
    referredOn: date('referred_on', { mode: 'string' }).notNull(),
  },
  (t) => [
    // A codename is an invented word and a number (KESTREL-07): nothing that could hint at a person.
    check('protected_witnesses_codename_format', sql`${t.codename} ~ '^[A-Z]{3,12}-[0-9]{2,3}$'`),
    index('protected_witnesses_referred_on_id_idx').on(t.referredOn.desc(), t.id.desc()),
    index('protected_witnesses_status_referred_on_idx').on(t.status, t.referredOn.desc(), t.id.desc()),
    index('protected_witnesses_risk_level_referred_on_idx').on(t.riskLevel, t.referredOn.desc(), t.id.desc()),
  ],
);

/**
 * The real identity of a protected witness, 1:1 with `protected_witnesses` (the
 * primary key is the witness id). Kept apart so that reading the programme under
 * codenames never touches identities, and access to them can be granted, audited
 * and revoked as one unit. Every column but the id is encrypted (AES-256-GCM under
 * `WITNESS_DATA_KEY`, the column and witness id as associated data; crypto/field-cipher.ts):
 * whoever reads the table, a backup or a replica sees no name, birth date or place.
 * Their plausibility (not blank, born after 1900) is therefore checked by the domain
 * (`checkReferral`), not here.
 */
export const witnessIdentities = specialistChambers.table(
  'witness_identities',
  {
    witnessId: uuid('witness_id')
      .primaryKey()
      .references(() => protectedWitnesses.id, { onDelete: 'cascade' }),
    /** Encrypted (enc:v1:…). */
    fullName: text('full_name').notNull(),
    /** Encrypted (enc:v1:…): the ISO date. */
    dateOfBirth: text('date_of_birth').notNull(),
    /** Encrypted (enc:v1:…). */
    currentLocation: text('current_location').notNull(),
  },
  (t) => [
    check('witness_identities_full_name_not_blank', sql`length(trim(${t.fullName})) > 0`),
    check('witness_identities_current_location_not_blank', sql`length(trim(${t.currentLocation})) > 0`),
  ],
);

/**
 * Threat assessments of a protected witness, a dated history (1:n). The newest one's
 * level is the witness's `risk_level`. Under codename only: a summary never names or
 * locates the witness.
 */
export const threatAssessments = specialistChambers.table(
  'threat_assessments',
  {
    id: uuid('id').primaryKey(),
    witnessId: uuid('witness_id')
      .notNull()
      .references(() => protectedWitnesses.id, { onDelete: 'cascade' }),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    riskLevel: witnessRiskLevel('risk_level').notNull(),
    summary: text('summary').notNull(),
  },
  (t) => [
    check('threat_assessments_summary_not_blank', sql`length(trim(${t.summary})) between 1 and 2000`),
    check('threat_assessments_occurred_on_plausible', sql`${t.occurredOn} >= date '2000-01-01'`),
    // A witness's history, newest first (id breaks ties): the one read path.
    index('threat_assessments_witness_occurred_on_idx').on(t.witnessId, t.occurredOn.desc(), t.id.desc()),
  ],
);

/**
 * Relocations of a protected witness (1:n): where the witness lived and was moved
 * to. As sensitive as the identity, so kept in its own table too, and both places
 * encrypted like the identity (the relocation id as associated data). That a move goes
 * somewhere else is the domain's check (`checkRelocationTarget`): two ciphertexts
 * always differ.
 */
export const relocations = specialistChambers.table(
  'relocations',
  {
    id: uuid('id').primaryKey(),
    witnessId: uuid('witness_id')
      .notNull()
      .references(() => protectedWitnesses.id, { onDelete: 'cascade' }),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    /** Encrypted (enc:v1:…). */
    fromLocation: text('from_location').notNull(),
    /** Encrypted (enc:v1:…). */
    toLocation: text('to_location').notNull(),
  },
  (t) => [
    check('relocations_from_location_not_blank', sql`length(trim(${t.fromLocation})) > 0`),
    check('relocations_to_location_not_blank', sql`length(trim(${t.toLocation})) > 0`),
    check('relocations_occurred_on_plausible', sql`${t.occurredOn} >= date '2000-01-01'`),
    index('relocations_witness_occurred_on_idx').on(t.witnessId, t.occurredOn.desc(), t.id.desc()),
  ],
);

/**
 * A protection officer's assignment to a witness, four eyes: proposed by one
 * principal, approved by another (never the proposer, never the officer), revocable.
 * Only approved, unrevoked assignments open need-to-know. The row itself never
 * changes (who, for whom, proposed by whom); what happened to it, and when, is its
 * append-only history below. Triggers (migration `protection_officer_four_eyes`)
 * refuse UPDATE, DELETE and TRUNCATE of both tables.
 */
export const protectionOfficerAssignments = specialistChambers.table(
  'protection_officer_assignments',
  {
    id: uuid('id').primaryKey(),
    witnessId: uuid('witness_id')
      .notNull()
      .references(() => protectedWitnesses.id),
    /** The officer's principal id: the `sub` of the officer's token. */
    officerSubject: text('officer_subject').notNull(),
    /** The principal who proposed the assignment (its PROPOSED event's actor). */
    proposedBy: text('proposed_by').notNull(),
  },
  (t) => [
    // A token subject: no blanks, no whitespace, bounded.
    check('protection_officer_assignments_officer_format', sql`${t.officerSubject} ~ '^[^[:space:]]{1,200}$'`),
    check('protection_officer_assignments_proposer_format', sql`${t.proposedBy} ~ '^[^[:space:]]{1,200}$'`),
    // Four eyes, first pair: nobody proposes themselves.
    check('protection_officer_assignments_not_self_proposed', sql`${t.proposedBy} <> ${t.officerSubject}`),
    index('protection_officer_assignments_witness_idx').on(t.witnessId, t.officerSubject),
  ],
);

export const protectionOfficerAction = specialistChambers.enum('protection_officer_action', ['PROPOSED', 'APPROVED', 'REVOKED']);

/**
 * The dated history of each assignment: one row per step, each step at most once
 * (UNIQUE (assignment_id, action)), in time order. Append-only: the trigger
 * `protection_officer_assignment_events_legal` refuses an approval without a
 * proposal, by the proposer or the officer, after a revocation, or dated before the
 * step it follows; UPDATE, DELETE and TRUNCATE are refused.
 */
export const protectionOfficerAssignmentEvents = specialistChambers.table(
  'protection_officer_assignment_events',
  {
    id: uuid('id').primaryKey(),
    assignmentId: uuid('assignment_id').notNull(),
    action: protectionOfficerAction('action').notNull(),
    /** Who took the step: the `sub` of their token. */
    actor: text('actor').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    /**
     * HMAC-SHA256 under `WITNESS_ASSIGNMENT_KEY` of the assignment, this step and the MAC
     * of the step before (crypto/assignment-seal.ts). Null for steps written before
     * steps were sealed: those open nothing.
     */
    mac: text('mac'),
  },
  (t) => [
    // Named here: the generated name would pass PostgreSQL's 63-character limit.
    foreignKey({
      name: 'protection_officer_assignment_events_assignment_fk',
      columns: [t.assignmentId],
      foreignColumns: [protectionOfficerAssignments.id],
    }),
    unique('protection_officer_assignment_events_once').on(t.assignmentId, t.action),
    // The approval queue: pending proposals, newest first.
    index('protection_officer_assignment_events_action_idx').on(t.action, t.occurredAt, t.assignmentId),
    check('protection_officer_assignment_events_actor_format', sql`${t.actor} ~ '^[^[:space:]]{1,200}$'`),
  ],
);

/**
 * The head of each assignment's chain of steps: HMAC of the assignment id and the MAC of
 * its newest step, rewritten with every step. A chain that does not end where its head
 * says (its newest step deleted, say a revocation) counts as revoked.
 */
export const protectionOfficerAssignmentHeads = specialistChambers.table(
  'protection_officer_assignment_heads',
  {
    assignmentId: uuid('assignment_id').primaryKey(),
    mac: text('mac').notNull(),
  },
  (t) => [
    // Named here: the generated name would pass PostgreSQL's 63-character limit.
    foreignKey({
      name: 'protection_officer_assignment_heads_assignment_fk',
      columns: [t.assignmentId],
      foreignColumns: [protectionOfficerAssignments.id],
    }),
  ],
);

/**
 * Idempotency keys of this subgraph's `record…` mutations (the kit's one mechanism,
 * `recordOnce`): per client, the payload hash and the id of what the first call recorded.
 */
export const idempotencyKeys = idempotencyKeysTable(specialistChambers);
export type WitnessIdentityRow = typeof witnessIdentities.$inferSelect;
export type ThreatAssessmentRow = typeof threatAssessments.$inferSelect;
export type ProtectedWitnessRow = typeof protectedWitnesses.$inferSelect;
export type RelocationRow = typeof relocations.$inferSelect;
export type SupportRequestRow = typeof supportRequests.$inferSelect;
export type SupportRequestTransitionRow = typeof supportRequestTransitions.$inferSelect;
export type AssignmentEventRow = typeof protectionOfficerAssignmentEvents.$inferSelect;
