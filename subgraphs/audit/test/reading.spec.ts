/**
 * Reading the trail page by page (`auditEvents(filter, first, after)`, the kit's keyset
 * pagination on the chain position, newest first): pages follow each other without gaps
 * or repeats while events keep arriving, `totalCount` counts with the filter — and what a
 * client might send instead of a cursor (another list's cursor, a forged position, the
 * numeric cursor of the former audit pagination, garbage) is a typed BAD_USER_INPUT on
 * `after`, never an internal error. Follow-ups (intent status, review) cost one statement
 * per page, however many events it holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '@mission-graph/service-kit';
import { databaseFlavours, onlyErrorOf } from '@mission-graph/service-kit/testing';
import { appendDirect, startAudit, type RunningAudit } from './harness.js';

interface Page {
  auditEvents: {
    totalCount?: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: { sequence: number; principal: string; kind: string } }[];
  };
}

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $principal: String) {
    auditEvents(first: $first, after: $after, filter: { principal: $principal, kind: DISCLOSURE }) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { sequence principal kind } }
    }
  }`;

describe.each(databaseFlavours)('reading the trail page by page (%s)', (flavour) => {
  let audit: RunningAudit;
  beforeAll(async () => {
    audit = await startAudit(flavour);
    // Seven disclosures by one principal, interleaved with others' that the filter leaves out.
    for (let n = 1; n <= 7; n += 1) {
      await appendDirect(audit, { principal: 'reader-7' });
      await appendDirect(audit, { principal: `someone-else-${n}` });
    }
  });
  afterAll(async () => {
    await audit?.stop();
  });

  const page = (variables: Record<string, unknown>) => audit.query<Page>(PAGE, { principal: 'reader-7', ...variables });

  it('pages newest first, three at a time, without gaps or repeats, while new events arrive', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response: Awaited<ReturnType<typeof page>> = await page({ first: 3, after });
      expect(response.errors).toBeUndefined();
      const connection = response.data!.auditEvents;
      // Counted at each read: the events recorded since the first page are in the count, not in the pages.
      expect(connection.totalCount).toBe(7 + pages);
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...connection.edges.map((edge) => edge.node.sequence));
      pages += 1;
      // An event recorded meanwhile is newer than every cursor: it never shifts the pages still to come.
      await appendDirect(audit, { principal: 'reader-7' });
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(7);
  });

  it.each<[string, () => string]>([
    ['the numeric cursor of the former audit pagination', () => encodeCursor([5])],
    ['a forged position that is no number', () => encodeCursor(["5) or (1=1"])],
    ['a negative position', () => encodeCursor(['-1'])],
    ['a position beyond bigint', () => encodeCursor(['99999999999999999999'])],
    ['a cursor with two parts (another list’s)', () => encodeCursor(['2024-01-01', '5dc999bd-b32b-58ca-adb5-e74215256f4a'])],
    ['garbage', () => 'not-a-cursor'],
  ])('refuses %s as `after` with BAD_USER_INPUT', async (_what, cursor) => {
    const response = await page({ first: 3, after: cursor() });
    expect(onlyErrorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(response.data).toBeNull();
  });

  it('refuses a page larger than 100 with BAD_USER_INPUT naming `first`', async () => {
    const response = await page({ first: 101 });
    expect(onlyErrorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it('resolves the follow-ups of a page in one statement per kind, whether it holds 2 events or 20', async () => {
    for (let n = 0; n < 20; n += 1) await appendDirect(audit, { principal: 'planner', kind: 'INTENT', fieldCoordinates: ['Mutation.recordRelocation'], entities: [] });
    const followUps = /* GraphQL */ `
      query FollowUps($first: Int) {
        auditEvents(first: $first, filter: { principal: "planner" }) { edges { node { intentStatus outcomeEventId reviewEventId } } }
      }`;
    const statements = async (first: number) => {
      const before = audit.service.database.statementCount();
      const response = await audit.query<{ auditEvents: { edges: { node: { intentStatus: string } }[] } }>(followUps, { first });
      expect(response.data!.auditEvents.edges).toHaveLength(first);
      expect(response.data!.auditEvents.edges.every((edge) => edge.node.intentStatus === 'OPEN')).toBe(true);
      return audit.service.database.statementCount() - before;
    };
    expect(await statements(20)).toBe(await statements(2));
  });
});
