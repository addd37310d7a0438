import type { Db } from '@mission-graph/service-kit';
import type * as schema from './schema.js';

/** The forensics drizzle handle; stores take it, whichever driver is underneath. */
export type ForensicsDb = Db<typeof schema>;
