import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { anyText, keyPart, keysetConnection, rethrowAsTypedError, type Connection, type KeysetOrder, type PageArgs } from '@mission-graph/service-kit';
import type { checkGraveSiteInput } from '../domain/records.js';
import type { ForensicsDb } from '../db/database.js';
import { graveSites } from '../db/schema.js';
import { GRAVE_SITE_VIOLATIONS } from './violations.js';
import type { GraveSiteRow } from '../db/schema.js';


export interface GraveSiteFilter {
  kind?: GraveSiteRow['kind'] | null;
  status?: GraveSiteRow['status'] | null;
  municipality?: string | null;
}

/** By site code: the order sites are registered and referred to in the field. */
const BY_SITE_CODE: KeysetOrder<GraveSiteRow> = {
  direction: 'asc',
  key: [keyPart(graveSites.siteCode, sql`text`, anyText, (row) => row.siteCode)],
};




export type { GraveSiteRow };

export function createGraveSiteStore(db: ForensicsDb) {
  return {
    connection(filter: GraveSiteFilter,
      args: PageArgs,
    ): Promise<Connection<GraveSiteRow>> {
      const matching = and(
        filter.kind != null ? eq(graveSites.kind, filter.kind) : undefined,
        filter.status != null ? eq(graveSites.status, filter.status) : undefined,
        filter.municipality != null ? eq(graveSites.municipality, filter.municipality) : undefined,
      );
      return keysetConnection(
        args,
        BY_SITE_CODE,
        ({ after, orderBy, limit }) =>
          db.select().from(graveSites).where(and(matching, after)).orderBy(...orderBy).limit(limit),
        () => db.$count(graveSites, matching),
      );
    },

    byIds(ids: readonly string[]): Promise<GraveSiteRow[]> {
      return db.select().from(graveSites).where(inArray(graveSites.id, [...ids]));
    },

    /** Records a new grave site; a taken site code is a CONFLICT. */
    async record(input: ReturnType<typeof checkGraveSiteInput>, on: ForensicsDb = db): Promise<GraveSiteRow> {
      try {
        return await on.transaction(async (tx) => {
          const [row] = await tx.insert(graveSites).values({ id: randomUUID(), ...input }).returning();
          return row!;
        });
      } catch (error) {
        rethrowAsTypedError(error, GRAVE_SITE_VIOLATIONS);
      }
    },
  };
}

export type GraveSiteStore = ReturnType<typeof createGraveSiteStore>;
