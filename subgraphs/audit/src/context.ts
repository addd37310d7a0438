import type { CallerContext } from '@mission-graph/service-kit';
import type { AuditEventStore } from './stores/audit-event-store.js';

/** What every resolver of one request sees (the kit adds the caller). */
export interface AuditContext extends Partial<CallerContext> {
  events: AuditEventStore;
}
