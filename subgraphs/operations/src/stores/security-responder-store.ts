import { asc, inArray } from 'drizzle-orm';
import { securityResponders, type OperationsDb, type SecurityResponderCode } from '../db/schema.js';
import type { SecurityResponderRow } from '../db/schema.js';


export function createSecurityResponderStore(db: OperationsDb) {
  return {
    /** The whole mechanism, first responder first. */
    all: (): Promise<SecurityResponderRow[]> =>
      db.select().from(securityResponders).orderBy(asc(securityResponders.tier)),

    byCodes: (codes: readonly SecurityResponderCode[]): Promise<SecurityResponderRow[]> =>
      db.select().from(securityResponders).where(inArray(securityResponders.code, [...codes])),
  };
}

export type { SecurityResponderRow };

export type SecurityResponderStore = ReturnType<typeof createSecurityResponderStore>;
