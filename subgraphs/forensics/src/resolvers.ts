import {
  idempotentCall,
  recordOnce,
  reportChanged,
  rowRecording,
  type CallerContext,
  type Db,
  checkPeriod,
  periodKey,
  requireUuid,
  scalarResolvers,
  type PageArgs,
  type Period,
} from '@mission-graph/service-kit';
import type { ForensicsContext } from './context.js';
import type { Resolvers } from './generated/resolvers.js';
import type { ForensicsDb } from './db/database.js';
import { idempotencyKeys } from './db/schema.js';
import {
  checkFieldOperationInput,
  checkGraveSiteInput,
  checkIdentificationInput,
  checkMissingPersonInput,
  checkMissingPersonTransitionInput,
  checkMorgueReviewInput,
  checkMortalRemainsInput,
  checkRemainsHandoverInput,
  type FieldOperationInput,
  type GraveSiteInput,
  type IdentificationInput,
  type MissingPersonInput,
  type MorgueReviewInput,
  type MissingPersonTransitionInput,
  type MortalRemainsInput,
  type RemainsHandoverInput,
} from './domain/records.js';
import {
  normaliseGroupBy,
  protectForensicsFigures,
  protectForensicsStatistics,
  type StatisticsDimension,
} from './domain/statistics.js';
import type {FieldOperationFilter, FieldOperationRow } from './stores/field-operation-store.js';
import type {GraveSiteFilter, GraveSiteRow } from './stores/grave-site-store.js';
import type {IdentificationFilter, IdentificationRow } from './stores/identification-store.js';
import type {MissingPersonFilter, MissingPersonRow } from './stores/missing-person-store.js';
import type {MorgueReviewRow } from './stores/morgue-review-store.js';
import type {MortalRemainsFilter, MortalRemainsRow } from './stores/mortal-remains-store.js';



/*
 * Thin resolvers: read arguments, call a store or a per-request loader. Fields not
 * listed here resolve from the row by name (drizzle rows are camelCase like the SDL).
 */

type Context = ForensicsContext & CallerContext;
type ListArgs<Filter> = PageArgs & { filter?: Filter | null };
type InputArgs<Input> = { input: Input };
/** A `record…` mutation's arguments: its input and, from machine clients, an idempotency key. */
type RecordArgs<Input> = InputArgs<Input> & { idempotencyKey?: string | null };

/**
 * Records through the kit's one idempotency mechanism: with a key, a retry answers the
 * first record (loaded again by id) and records nothing; the payload hashed is the
 * checked input.
 */
function once<Row extends { id: string }>(
  context: Context,
  operation: string,
  args: { idempotencyKey?: string | null },
  checkedInput: unknown,
  record: (tx: ForensicsDb) => Promise<Row>,
  loader: { load(id: string): Promise<Row> },
): Promise<Row> {
  const call = idempotentCall(operation, args.idempotencyKey, context.caller, checkedInput);
  return recordOnce(context.db, idempotencyKeys, call, rowRecording(record as (tx: Db) => Promise<Row>, (id) => loader.load(id)));
}

/** At most one row per key (UNIQUE in the database): the first or null. */
const firstOrNull = <Row>(rows: Row[]): Row | null => rows[0] ?? null;

export const resolvers: Resolvers = {
  ...scalarResolvers,

  Query: {
    missingPerson: (_: unknown, args: { id: string }, { loaders }: ForensicsContext) =>
      loaders.missingPerson.load(requireUuid(args.id, 'id')),
    missingPersons: (_: unknown, { filter, ...page }: ListArgs<MissingPersonFilter>, { stores }: ForensicsContext) =>
      stores.missingPersons.connection(filter ?? {}, page),
    graveSites: (_: unknown, { filter, ...page }: ListArgs<GraveSiteFilter>, { stores }: ForensicsContext) =>
      stores.graveSites.connection(filter ?? {}, page),
    fieldOperations: (_: unknown, { filter, ...page }: ListArgs<FieldOperationFilter>, { stores }: ForensicsContext) =>
      stores.fieldOperations.connection(filter ?? {}, page),
    mortalRemains: (_: unknown, { filter, ...page }: ListArgs<MortalRemainsFilter>, { stores }: ForensicsContext) =>
      stores.mortalRemains.connection(filter ?? {}, page),
    identifications: (_: unknown, { filter, ...page }: ListArgs<IdentificationFilter>, { stores }: ForensicsContext) =>
      stores.identifications.connection(filter ?? {}, page),
    forensicsStatistics: async (
      _: unknown,
      args: { from: string; to: string; groupBy?: StatisticsDimension[] | null },
      { stores, caller }: ForensicsContext,
    ) => {
      const period = checkPeriod(args.from, args.to);
      const groupBy = normaliseGroupBy(args.groupBy);
      const groups = await stores.statistics.statistics(period, groupBy);
      // Through the external contract, small counts are withheld (domain/statistics.ts).
      return { ...period, groupBy, groups: protectForensicsStatistics(caller, groups, groupBy) };
    },
  },

  Mutation: {
    recordMissingPerson: async (_: unknown, args: RecordArgs<MissingPersonInput>, context: Context) => {
      const input = checkMissingPersonInput(args.input);
      const missingPerson = await once(context, 'recordMissingPerson', args, input, (tx) => context.stores.missingPersons.record(input, tx), context.loaders.missingPerson);
      reportChanged(context, { type: 'MissingPerson', id: missingPerson.id });
      return { missingPerson };
    },
    recordGraveSite: async (_: unknown, args: RecordArgs<GraveSiteInput>, context: Context) => {
      const input = checkGraveSiteInput(args.input);
      const graveSite = await once(context, 'recordGraveSite', args, input, (tx) => context.stores.graveSites.record(input, tx), context.loaders.graveSite);
      reportChanged(context, { type: 'GraveSite', id: graveSite.id });
      return { graveSite };
    },
    recordFieldOperation: async (_: unknown, args: RecordArgs<FieldOperationInput>, context: Context) => {
      const siteId = args.input.siteId == null ? null : requireUuid(args.input.siteId, 'input.siteId');
      const input = checkFieldOperationInput({ ...args.input, siteId });
      const fieldOperation = await once(context, 'recordFieldOperation', args, input, (tx) => context.stores.fieldOperations.record(input, tx), context.loaders.fieldOperation);
      reportChanged(context, { type: 'FieldOperation', id: fieldOperation.id });
      return { fieldOperation };
    },
    recordMortalRemains: async (_: unknown, args: RecordArgs<MortalRemainsInput>, context: Context) => {
      const recoveredBy = requireUuid(args.input.recoveredBy, 'input.recoveredBy');
      const input = checkMortalRemainsInput({ ...args.input, recoveredBy });
      const mortalRemains = await once(context, 'recordMortalRemains', args, input, (tx) => context.stores.mortalRemains.record(input, tx), context.loaders.mortalRemains);
      reportChanged(context, { type: 'MortalRemains', id: mortalRemains.id });
      return { mortalRemains };
    },
    recordMorgueReview: async (_: unknown, args: RecordArgs<MorgueReviewInput>, context: Context) => {
      const remainsId = requireUuid(args.input.remainsId, 'input.remainsId');
      const input = checkMorgueReviewInput({ ...args.input, remainsId });
      const morgueReview = await once(context, 'recordMorgueReview', args, input, (tx) => context.stores.morgueReviews.record(input, tx), context.loaders.morgueReview);
      // A review may move the remains on (their status).
      reportChanged(context, { type: 'MorgueReview', id: morgueReview.id, owner: { type: 'MortalRemains', id: remainsId } }, { type: 'MortalRemains', id: remainsId });
      return { morgueReview };
    },
    recordIdentification: async (_: unknown, args: RecordArgs<IdentificationInput>, context: Context) => {
      const remainsId = requireUuid(args.input.remainsId, 'input.remainsId');
      const missingPersonId = args.input.missingPersonId == null ? null : requireUuid(args.input.missingPersonId, 'input.missingPersonId');
      const input = checkIdentificationInput({ ...args.input, remainsId, missingPersonId });
      const identification = await once(context, 'recordIdentification', args, input, (tx) => context.stores.identifications.record(input, tx), context.loaders.identification);
      // Both the remains and the person become IDENTIFIED (stores/identification-store.ts).
      reportChanged(context, { type: 'Identification', id: identification.id }, { type: 'MortalRemains', id: remainsId });
      if (missingPersonId !== null) reportChanged(context, { type: 'MissingPerson', id: missingPersonId });
      return { identification };
    },
    recordRemainsHandover: async (_: unknown, args: RecordArgs<RemainsHandoverInput>, context: Context) => {
      const remainsId = requireUuid(args.input.remainsId, 'input.remainsId');
      const input = checkRemainsHandoverInput({ ...args.input, remainsId });
      // What a retry answers is the remains (the handover is theirs): the id recorded is theirs.
      const mortalRemains = await once(context, 'recordRemainsHandover', args, input, (tx) => context.stores.remainsHandovers.record(input, tx), context.loaders.mortalRemains);
      reportChanged(context, { type: 'MortalRemains', id: mortalRemains.id });
      return { mortalRemains };
    },
    transitionMissingPerson: async (_: unknown, { input }: InputArgs<MissingPersonTransitionInput>, context: Context) => {
      const missingPerson = await context.stores.missingPersons.transition(checkMissingPersonTransitionInput({ ...input, id: requireUuid(input.id, 'input.id') }));
      reportChanged(context, { type: 'MissingPerson', id: missingPerson.id });
      return { missingPerson };
    },
  },

  MissionReport: {
    // A representation comes from the gateway as plain JSON, not through the Date scalar,
    // so its dates are checked here before they reach SQL.
    __resolveReference: (reference: { from?: unknown; to?: unknown }): Period =>
      checkPeriod(reference.from, reference.to),
    forensics: async (period: Period, _: unknown, { loaders, caller }: ForensicsContext) =>
      protectForensicsFigures(caller, await loaders.figuresByPeriod.load(periodKey(period))),
  },

  MissingPerson: {
    __resolveReference: (reference: { id: string }, { loaders }: ForensicsContext) =>
      loaders.missingPerson.load(requireUuid(reference.id, 'id')),
    identification: (person: MissingPersonRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.identificationsByMissingPerson.load(person.id).then(firstOrNull),
    closure: (person: MissingPersonRow) =>
      person.closedOn && person.closureReason ? { closedOn: person.closedOn, reason: person.closureReason } : null,
  },

  GraveSite: {
    fieldOperations: (site: GraveSiteRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.fieldOperationsBySite.load(site.id),
  },

  FieldOperation: {
    site: (operation: FieldOperationRow, _: unknown, { loaders }: ForensicsContext) =>
      operation.siteId ? loaders.graveSite.load(operation.siteId) : null,
    remainsRecovered: (operation: FieldOperationRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.remainsByOperation.load(operation.id),
  },

  MorgueReview: {
    remains: (review: MorgueReviewRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.mortalRemains.load(review.remainsId),
  },

  MortalRemains: {
    recoveredBy: (remains: MortalRemainsRow, _: unknown, { loaders }: ForensicsContext) =>
      remains.recoveredByOperationId ? loaders.fieldOperation.load(remains.recoveredByOperationId) : null,
    identification: (remains: MortalRemainsRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.identificationsByRemains.load(remains.id).then(firstOrNull),
    morgueReviews: (remains: MortalRemainsRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.morgueReviewsByRemains.load(remains.id),
    handover: (remains: MortalRemainsRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.handoversByRemains.load(remains.id).then(firstOrNull),
  },

  Identification: {
    remains: (identification: IdentificationRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.mortalRemains.load(identification.remainsId),
    missingPerson: (identification: IdentificationRow, _: unknown, { loaders }: ForensicsContext) =>
      identification.missingPersonId ? loaders.missingPerson.load(identification.missingPersonId) : null,
  },
};
