/**
 * The fixed dates of the forensics pillar. The database checks them (db/schema.ts),
 * the seed spreads its records inside them, and tests compare figures against them.
 */

/** Missing persons in the mission's remit disappeared in this period (both days inclusive). */
export const DISAPPEARANCE_PERIOD = { from: '1998-01-01', to: '2000-12-31' } as const;

/** First day of the EULEX mandate: field operations and identifications start here. */
export const MANDATE_START = '2008-12-09';

/** Last day covered by the mission's published forensics figures. */
export const PUBLISHED_FIGURES_UNTIL = '2025-06-14';
