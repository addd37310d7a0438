import { loaderOfMany, loaderOfOne, periodKey, periodOfKey, type Database, type Db, type SubgraphContext, type SubgraphRuntime } from '@mission-graph/service-kit';
import { sql } from 'drizzle-orm';
import { CIPHER_PREFIX, fieldCipher, keyIdOf } from './crypto/field-cipher.js';
import { witnessKeysOf, type SpecialistChambersOptions, type WitnessKeys } from './crypto/witness-keys.js';
import type * as schema from './db/schema.js';
import { protectionOfficerAssignmentEvents, witnessIdentities } from './db/schema.js';
import { createProtectedWitnessStore } from './stores/protected-witness-store.js';
import { createProtectionOfficerStore } from './stores/protection-officer-store.js';
import { createRelocationStore } from './stores/relocation-store.js';
import { createSupportRequestStore } from './stores/support-request-store.js';
import { createThreatAssessmentStore } from './stores/threat-assessment-store.js';
import { createWitnessIdentityStore } from './stores/witness-identity-store.js';

export type Stores = ReturnType<typeof createStores>;

/** What the service holds besides its database: the witness keys (never in the database). */
export interface SpecialistChambersRuntime extends SubgraphRuntime {
  keys: WitnessKeys;
}

/**
 * The keys, and a look at what they will meet: identities not encrypted under this data
 * key (rows from before encryption, or the wrong key configured) and steps without a MAC
 * (from before sealing) are unreadable or open nothing — said once at start, in the log,
 * rather than discovered one refused request at a time.
 */
export async function prepareWitnessKeys(database: Database<typeof schema>, options: SpecialistChambersOptions): Promise<SpecialistChambersRuntime> {
  const keys = witnessKeysOf(options);
  const current = `${CIPHER_PREFIX}${keyIdOf(keys.data)}:%`;
  const [found] = await database.rows<{ identities: number; steps: number }>(sql`
    select (select count(*)::int from ${witnessIdentities} where ${witnessIdentities.fullName} not like ${current}) as "identities",
           (select count(*)::int from ${protectionOfficerAssignmentEvents} where ${protectionOfficerAssignmentEvents.mac} is null) as "steps"`);
  if (found && (found.identities > 0 || found.steps > 0)) {
    options.logger?.warn(
      found,
      'witness data the keys cannot open: identities not encrypted under WITNESS_DATA_KEY are unreadable, assignment steps without a MAC open nothing (docs/deploying.md, "Keys")',
    );
  }
  return { keys };
}

function createStores(db: Db<typeof schema>, keys: WitnessKeys) {
  const cipher = fieldCipher(keys.data);
  return {
    supportRequests: createSupportRequestStore(db),
    protectedWitnesses: createProtectedWitnessStore(db, cipher),
    witnessIdentities: createWitnessIdentityStore(db, cipher),
    threatAssessments: createThreatAssessmentStore(db),
    relocations: createRelocationStore(db, cipher, keys),
    protectionOfficers: createProtectionOfficerStore(db, keys.assignment),
  };
}

/**
 * Loaders live for one request only: a cache shared between requests would serve
 * one caller what another was allowed to read.
 */
function createLoaders(stores: Stores) {
  return {
    supportRequestById: loaderOfOne('SupportRequest', stores.supportRequests.byIds, (row) => row.id),
    protectedWitnessById: loaderOfOne('ProtectedWitness', stores.protectedWitnesses.byIds, (row) => row.id),
    witnessIdentityByWitnessId: loaderOfOne(
      'WitnessIdentity',
      stores.witnessIdentities.byWitnessIds,
      (row) => row.witnessId,
    ),
    /** A witness's history: one statement per table for every witness of a request. */
    threatAssessmentsByWitnessId: loaderOfMany(stores.threatAssessments.byWitnessIds, (row) => row.witnessId),
    relocationsByWitnessId: loaderOfMany(stores.relocations.byWitnessIds, (row) => row.witnessId),
    /** Officers whose assignment to each witness is approved and not revoked: the basis of need-to-know. */
    officersByWitnessId: loaderOfMany(stores.protectionOfficers.approvedOfficersOf, (row) => row.witnessId),
    /** Each assignment's steps, oldest first. */
    historyByAssignmentId: loaderOfMany(stores.protectionOfficers.historyOf, (row) => row.assignmentId),
    /** Each support request's workflow history, oldest first. */
    historyBySupportRequestId: loaderOfMany(stores.supportRequests.historyOf, (row) => row.supportRequestId),
    /** Keyed by `periodKey` ("from|to"): every period of a request is counted in one statement. */
    figuresByPeriod: loaderOfOne(
      'SpecialistChambersFigures',
      (keys) => stores.supportRequests.figuresOf(keys.map(periodOfKey)),
      periodKey,
    ),
  };
}

/** What every resolver of one request sees (the floor plan's one context shape). */
export type SpecialistChambersContext = SubgraphContext<Db<typeof schema>, Stores, ReturnType<typeof createLoaders>>;

/** Builds the stores once and, per request, a context with fresh loaders. */
export function contextFactory(db: Db<typeof schema>, runtime: SpecialistChambersRuntime): () => Omit<SpecialistChambersContext, 'caller'> {
  const stores = createStores(db, runtime.keys);
  return () => ({ db, stores, loaders: createLoaders(stores) });
}
