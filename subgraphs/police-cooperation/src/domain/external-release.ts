import { isExternal, type Caller } from '@mission-graph/service-kit';
import type { HandlingCode } from '../db/schema.js';

/**
 * Which information-exchange requests may leave the mission through the external
 * contract (`/external/graphql`, other EU systems). The handling code says how the
 * provider allows its information to be passed on: H0 and H1 may be; H2 ("not to be
 * passed on without the provider's permission") and H3 (other restrictions) never are,
 * whoever asks and by whatever path — lists, one request by id, entity references, or a
 * link from another record. Figures (counts) are not records: they pass nothing of a
 * request on, so statistics count every request (and suppress small counts).
 */
export const RELEASABLE_HANDLING_CODES: readonly HandlingCode[] = ['H0', 'H1'];

/** May this request be shown to this caller? Internal callers: the access rules decide; external: only H0/H1. */
export function mayRelease(caller: Caller, request: { handlingCode: HandlingCode }): boolean {
  return !isExternal(caller) || RELEASABLE_HANDLING_CODES.includes(request.handlingCode);
}

/** The handling codes a caller's lists are limited to; undefined when not limited. */
export function releasableHandlingCodes(caller: Caller): readonly HandlingCode[] | undefined {
  return isExternal(caller) ? RELEASABLE_HANDLING_CODES : undefined;
}
