import { createHash } from 'node:crypto';

/**
 * Deterministic UUID-shaped ids for synthetic seed data. Subgraphs never read each
 * other's tables, so a seed that links to another pillar's record (an exchange
 * request about a missing person) must be able to compute that record's id:
 * `syntheticId('missing-person', 42)` is the same in every subgraph and every run.
 * Shaped as a version-5 (name-based, SHA-1) UUID.
 */
export function syntheticId(kind: string, n: number): string {
  const hex = createHash('sha1').update(`mission-graph:${kind}:${n}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID string; ids from clients are checked before they reach SQL. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
