import {
  checkPeriod,
  periodKey,
  requireUuid,
  scalarResolvers,
  type CallerContext,
  type PageArgs,
  type Period,
} from '@mission-graph/service-kit';
import type { ForensicsContext } from './context.js';
import {
  checkFieldOperationInput,
  checkGraveSiteInput,
  checkIdentificationInput,
  checkMissingPersonInput,
  checkMorgueReviewInput,
  checkMortalRemainsInput,
  type FieldOperationInput,
  type GraveSiteInput,
  type IdentificationInput,
  type MissingPersonInput,
  type MorgueReviewInput,
  type MortalRemainsInput,
} from './domain/records.js';
import {
  normaliseGroupBy,
  protectForensicsFigures,
  protectForensicsStatistics,
  type StatisticsDimension,
} from './domain/statistics.js';
import {
  listFieldOperations,
  recordFieldOperation,
  type FieldOperationFilter,
  type FieldOperationRow,
} from './stores/field-operation-store.js';
import { listGraveSites, recordGraveSite, type GraveSiteFilter, type GraveSiteRow } from './stores/grave-site-store.js';
import {
  listIdentifications,
  recordIdentification,
  type IdentificationFilter,
  type IdentificationRow,
} from './stores/identification-store.js';
import {
  listMissingPersons,
  recordMissingPerson,
  type MissingPersonFilter,
  type MissingPersonRow,
} from './stores/missing-person-store.js';
import { recordMorgueReview, type MorgueReviewRow } from './stores/morgue-review-store.js';
import {
  listMortalRemains,
  recordMortalRemains,
  type MortalRemainsFilter,
  type MortalRemainsRow,
} from './stores/mortal-remains-store.js';
import { forensicsStatistics } from './stores/statistics-store.js';

/*
 * Thin resolvers: read arguments, call a store or a per-request loader. Fields not
 * listed here resolve from the row by name (drizzle rows are camelCase like the SDL).
 */

type ListArgs<Filter> = PageArgs & { filter?: Filter | null };
type InputArgs<Input> = { input: Input };

/** At most one row per key (UNIQUE in the database): the first or null. */
const firstOrNull = <Row>(rows: Row[]): Row | null => rows[0] ?? null;

export const resolvers = {
  ...scalarResolvers,

  Query: {
    missingPerson: (_: unknown, args: { id: string }, { loaders }: ForensicsContext) =>
      loaders.missingPerson.load(requireUuid(args.id, 'id')),
    missingPersons: (_: unknown, { filter, ...page }: ListArgs<MissingPersonFilter>, { db }: ForensicsContext) =>
      listMissingPersons(db, filter ?? {}, page),
    graveSites: (_: unknown, { filter, ...page }: ListArgs<GraveSiteFilter>, { db }: ForensicsContext) =>
      listGraveSites(db, filter ?? {}, page),
    fieldOperations: (_: unknown, { filter, ...page }: ListArgs<FieldOperationFilter>, { db }: ForensicsContext) =>
      listFieldOperations(db, filter ?? {}, page),
    mortalRemains: (_: unknown, { filter, ...page }: ListArgs<MortalRemainsFilter>, { db }: ForensicsContext) =>
      listMortalRemains(db, filter ?? {}, page),
    identifications: (_: unknown, { filter, ...page }: ListArgs<IdentificationFilter>, { db }: ForensicsContext) =>
      listIdentifications(db, filter ?? {}, page),
    forensicsStatistics: async (
      _: unknown,
      args: { from: string; to: string; groupBy?: StatisticsDimension[] | null },
      { db, caller }: ForensicsContext & CallerContext,
    ) => {
      const period = checkPeriod(args.from, args.to);
      const groupBy = normaliseGroupBy(args.groupBy);
      const groups = await forensicsStatistics(db, period, groupBy);
      return { ...period, groupBy, groups: protectForensicsStatistics(caller, groups, groupBy) };
    },
  },

  Mutation: {
    recordMissingPerson: async (_: unknown, { input }: InputArgs<MissingPersonInput>, { db }: ForensicsContext) => ({
      missingPerson: await recordMissingPerson(db, checkMissingPersonInput(input)),
    }),
    recordGraveSite: async (_: unknown, { input }: InputArgs<GraveSiteInput>, { db }: ForensicsContext) => ({
      graveSite: await recordGraveSite(db, checkGraveSiteInput(input)),
    }),
    recordFieldOperation: async (_: unknown, { input }: InputArgs<FieldOperationInput>, { db }: ForensicsContext) => {
      const siteId = input.siteId == null ? null : requireUuid(input.siteId, 'input.siteId');
      return { fieldOperation: await recordFieldOperation(db, checkFieldOperationInput({ ...input, siteId })) };
    },
    recordMortalRemains: async (_: unknown, { input }: InputArgs<MortalRemainsInput>, { db }: ForensicsContext) => {
      const recoveredBy = requireUuid(input.recoveredBy, 'input.recoveredBy');
      return { mortalRemains: await recordMortalRemains(db, checkMortalRemainsInput({ ...input, recoveredBy })) };
    },
    recordMorgueReview: async (_: unknown, { input }: InputArgs<MorgueReviewInput>, { db }: ForensicsContext) => {
      const remainsId = requireUuid(input.remainsId, 'input.remainsId');
      return { morgueReview: await recordMorgueReview(db, checkMorgueReviewInput({ ...input, remainsId })) };
    },
    recordIdentification: async (_: unknown, { input }: InputArgs<IdentificationInput>, { db }: ForensicsContext) => {
      const remainsId = requireUuid(input.remainsId, 'input.remainsId');
      const missingPersonId = input.missingPersonId == null ? null : requireUuid(input.missingPersonId, 'input.missingPersonId');
      return {
        identification: await recordIdentification(db, checkIdentificationInput({ ...input, remainsId, missingPersonId })),
      };
    },
  },

  MissionReport: {
    // A representation comes from the gateway as plain JSON, not through the Date scalar,
    // so its dates are checked here before they reach SQL.
    __resolveReference: (reference: { from?: unknown; to?: unknown }): Period =>
      checkPeriod(reference.from, reference.to),
    forensics: async (period: Period, _: unknown, { loaders, caller }: ForensicsContext & CallerContext) =>
      protectForensicsFigures(caller, await loaders.figuresByPeriod.load(periodKey(period))),
  },

  MissingPerson: {
    __resolveReference: (reference: { id: string }, { loaders }: ForensicsContext) =>
      loaders.missingPerson.load(requireUuid(reference.id, 'id')),
    identification: (person: MissingPersonRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.identificationsByMissingPerson.load(person.id).then(firstOrNull),
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
  },

  Identification: {
    remains: (identification: IdentificationRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.mortalRemains.load(identification.remainsId),
    missingPerson: (identification: IdentificationRow, _: unknown, { loaders }: ForensicsContext) =>
      identification.missingPersonId ? loaders.missingPerson.load(identification.missingPersonId) : null,
  },
};
