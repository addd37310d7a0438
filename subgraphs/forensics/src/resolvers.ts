import {
  checkPeriod,
  periodKey,
  requireUuid,
  scalarResolvers,
  type PageArgs,
  type Period,
} from '@mission-graph/service-kit';
import type { ForensicsContext } from './context.js';
import { listFieldOperations, type FieldOperationFilter, type FieldOperationRow } from './stores/field-operation-store.js';
import { listGraveSites, type GraveSiteFilter, type GraveSiteRow } from './stores/grave-site-store.js';
import {
  listIdentifications,
  type IdentificationFilter,
  type IdentificationRow,
} from './stores/identification-store.js';
import { listMissingPersons, type MissingPersonFilter, type MissingPersonRow } from './stores/missing-person-store.js';
import { listMortalRemains, type MortalRemainsFilter, type MortalRemainsRow } from './stores/mortal-remains-store.js';

/*
 * Thin resolvers: read arguments, call a store or a per-request loader. Fields not
 * listed here resolve from the row by name (drizzle rows are camelCase like the SDL).
 */

type ListArgs<Filter> = PageArgs & { filter?: Filter | null };

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
  },

  MissionReport: {
    // A representation comes from the gateway as plain JSON, not through the Date scalar,
    // so its dates are checked here before they reach SQL.
    __resolveReference: (reference: { from?: unknown; to?: unknown }): Period =>
      checkPeriod(reference.from, reference.to),
    forensics: (period: Period, _: unknown, { loaders }: ForensicsContext) =>
      loaders.figuresByPeriod.load(periodKey(period)),
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
  },

  MortalRemains: {
    recoveredBy: (remains: MortalRemainsRow, _: unknown, { loaders }: ForensicsContext) =>
      remains.recoveredByOperationId ? loaders.fieldOperation.load(remains.recoveredByOperationId) : null,
    identification: (remains: MortalRemainsRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.identificationsByRemains.load(remains.id).then(firstOrNull),
  },

  Identification: {
    remains: (identification: IdentificationRow, _: unknown, { loaders }: ForensicsContext) =>
      loaders.mortalRemains.load(identification.remainsId),
    missingPerson: (identification: IdentificationRow, _: unknown, { loaders }: ForensicsContext) =>
      identification.missingPersonId ? loaders.missingPerson.load(identification.missingPersonId) : null,
  },
};
