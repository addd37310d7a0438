/**
 * The forensics workflows to their end (issue 14): remains returned to the family
 * (handover day and receiving relative, personal data) and cases closed with a reason
 * from a fixed list, or moved between MISSING and REMAINS_RECOVERED. Happy paths,
 * illegal moves, nothing left behind by a refusal, the rules in the database against
 * another writer, and the published figures untouched.
 */
import { ALL_SCOPES, syntheticId, type Caller } from '@mission-graph/service-kit';
import { onlyErrorOf, startSubgraph, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { createService } from '../src/service.js';

const HANDOVER = `mutation($input: RecordRemainsHandoverInput!, $key: String) {
  recordRemainsHandover(input: $input, idempotencyKey: $key) {
    mortalRemains { id status heldAt handover { id handedOverOn receivingRelative } }
  }
}`;
const TRANSITION = `mutation($input: TransitionMissingPersonInput!) {
  transitionMissingPerson(input: $input) { missingPerson { id status closure { closedOn reason } } }
}`;
const STATISTICS = `{ forensicsStatistics(from: "2008-12-09", to: "2025-06-14") {
  groups { fieldOperations exhumations individualsIdentified missingPersonsIdentified } } }`;

interface RemainsView {
  id: string;
  status: string;
  heldAt: string | null;
  handover: { id: string; handedOverOn: string; receivingRelative: string | null } | null;
}

describeOnEachDatabase('forensics workflows', (flavour) => {
  let forensics: RunningSubgraph;
  beforeAll(async () => {
    forensics = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await forensics?.stop();
  });

  const rows = <Row>(query: ReturnType<typeof sql>) => forensics.instance.database.rows<Row>(query);
  /** Seeded remains by status: identified and not yet returned (the handover backlog), or not identified. */
  const remainsIn = async (status: string, n: number) =>
    (await rows<{ id: string; identified_on: string | null }>(sql`
      select r.id, i.identified_on::text from forensics.mortal_remains r
      left join forensics.identifications i on i.remains_id = r.id
      where r.status = ${status} order by r.reference limit 1 offset ${n}`))[0]!;
  const caseIn = async (status: string, n: number) =>
    (await rows<{ id: string }>(sql`select id from forensics.missing_persons where status = ${status} order by case_number limit 1 offset ${n}`))[0]!.id;
  const handoverCount = async () => (await rows<{ n: number }>(sql`select count(*)::int as n from forensics.remains_handovers`))[0]!.n;
  const handover = (input: Record<string, unknown>, caller?: Partial<Caller>, key?: string) =>
    forensics.query<{ recordRemainsHandover: { mortalRemains: RemainsView } }>(HANDOVER, { input, key }, caller);
  const transition = (input: Record<string, unknown>) =>
    forensics.query<{ transitionMissingPerson: { missingPerson: { id: string; status: string; closure: { closedOn: string; reason: string } | null } } }>(
      TRANSITION,
      { input },
    );

  describe('recordRemainsHandover', () => {
    it('returns identified remains to the family: RETURNED, no longer held, the handover with its relative', async () => {
      const remains = await remainsIn('IDENTIFIED', 0);
      const response = await handover({ remainsId: remains.id, handedOverOn: '2025-09-01', receivingRelative: '  Synthetic Relative Test (daughter) ' });
      expect(response.errors).toBeUndefined();
      expect(response.data?.recordRemainsHandover.mortalRemains).toMatchObject({
        id: remains.id,
        status: 'RETURNED',
        heldAt: null,
        handover: { handedOverOn: '2025-09-01', receivingRelative: 'Synthetic Relative Test (daughter)' },
      });
    });

    it('hides the receiving relative from a caller without forensics:personal, or without a purpose', async () => {
      const remains = await remainsIn('IDENTIFIED', 1);
      const withoutPersonal = { scopes: new Set(ALL_SCOPES.filter((scope) => scope !== 'forensics:personal')) };
      const response = await handover({ remainsId: remains.id, handedOverOn: '2025-09-02', receivingRelative: 'Synthetic Relative Hidden' }, withoutPersonal);
      expect(response.data?.recordRemainsHandover.mortalRemains).toMatchObject({ status: 'RETURNED', handover: { receivingRelative: null } });
      expect(onlyErrorOf(response)).toMatchObject({ code: 'UNAUTHORIZED_FIELD_OR_TYPE' });
      expect(JSON.stringify(response)).not.toContain('Synthetic Relative Hidden');
      const read = await forensics.query(
        'query($f: MortalRemainsFilter) { mortalRemains(filter: $f, first: 100) { edges { node { id handover { receivingRelative } } } } }',
        { f: { status: 'RETURNED' } },
        { purpose: undefined },
      );
      expect(JSON.stringify(read)).not.toMatch(/Synthetic Relative/);
      expect(read.errors?.every((error) => error.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE')).toBe(true);
    });

    it.each([
      ['remains not identified', async () => ({ remainsId: (await remainsIn('UNIDENTIFIED', 0)).id }), { code: 'CONFLICT', currentStatus: 'UNIDENTIFIED', requestedStatus: 'RETURNED' }],
      ['remains returned already', async () => ({ remainsId: (await remainsIn('RETURNED', 3)).id }), { code: 'CONFLICT', currentStatus: 'RETURNED', requestedStatus: 'RETURNED' }],
      ['a day before the identification', async () => ({ remainsId: (await remainsIn('IDENTIFIED', 2)).id, handedOverOn: '2024-01-01' }), { code: 'BAD_USER_INPUT', argument: 'input.handedOverOn' }],
      ['a day in the future', async () => ({ remainsId: (await remainsIn('IDENTIFIED', 2)).id, handedOverOn: '2999-01-01' }), { code: 'BAD_USER_INPUT', argument: 'input.handedOverOn' }],
      ['a blank relative', async () => ({ remainsId: (await remainsIn('IDENTIFIED', 2)).id, receivingRelative: '   ' }), { code: 'BAD_USER_INPUT', argument: 'input.receivingRelative' }],
      ['unknown remains', async () => ({ remainsId: syntheticId('mortal-remains', 99_999) }), { code: 'NOT_FOUND' }],
    ])('refuses %s, leaving nothing behind', async (_label, inputOf, expected) => {
      const before = await handoverCount();
      const input = { handedOverOn: '2025-10-01', receivingRelative: 'Synthetic Relative Refused', ...(await inputOf()) };
      const [status] = await rows<{ status: string }>(sql`select status::text from forensics.mortal_remains where id = ${input.remainsId}`);
      const response = await handover(input);
      expect(onlyErrorOf(response)).toMatchObject(expected);
      expect(JSON.stringify(response.errors)).not.toContain('Synthetic Relative Refused');
      expect(await handoverCount()).toBe(before);
      const [after] = await rows<{ status: string }>(sql`select status::text from forensics.mortal_remains where id = ${input.remainsId}`);
      expect(after?.status).toBe(status?.status);
    });

    it('answers a retry with the same key with the first result, and another input under it with CONFLICT', async () => {
      const remains = await remainsIn('IDENTIFIED', 3);
      const input = { remainsId: remains.id, handedOverOn: '2025-09-03', receivingRelative: 'Synthetic Relative Retry' };
      const first = await handover(input, undefined, 'handover-retry-0001');
      const before = await handoverCount();
      const retry = await handover({ ...input, receivingRelative: ' Synthetic Relative Retry ' }, undefined, 'handover-retry-0001');
      expect(retry).toEqual(first);
      expect(await handoverCount()).toBe(before);
      const other = await handover({ ...input, handedOverOn: '2025-09-04' }, undefined, 'handover-retry-0001');
      expect(onlyErrorOf(other)).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
      // Without a key, the same call again is the honest CONFLICT of returning twice.
      expect(onlyErrorOf(await handover(input))).toMatchObject({ code: 'CONFLICT', currentStatus: 'RETURNED' });
    });
  });

  describe('transitionMissingPerson', () => {
    it('closes a MISSING case with a day and a reason from the fixed list; CLOSED is final', async () => {
      const id = await caseIn('MISSING', 0);
      const closed = await transition({ id, status: 'CLOSED', closure: { closedOn: '2024-05-06', reason: 'FOUND_ALIVE' } });
      expect(closed.errors).toBeUndefined();
      expect(closed.data?.transitionMissingPerson.missingPerson).toEqual({ id, status: 'CLOSED', closure: { closedOn: '2024-05-06', reason: 'FOUND_ALIVE' } });
      expect(onlyErrorOf(await transition({ id, status: 'MISSING' }))).toMatchObject({ code: 'CONFLICT', currentStatus: 'CLOSED', requestedStatus: 'MISSING' });
      const again = await transition({ id, status: 'CLOSED', closure: { closedOn: '2024-05-07', reason: 'DUPLICATE_CASE' } });
      expect(onlyErrorOf(again)).toMatchObject({ code: 'CONFLICT', currentStatus: 'CLOSED' });
    });

    it('moves MISSING → REMAINS_RECOVERED → MISSING (remains turned out to be someone else’s) → CLOSED from REMAINS_RECOVERED', async () => {
      const id = await caseIn('MISSING', 1);
      expect((await transition({ id, status: 'REMAINS_RECOVERED' })).data?.transitionMissingPerson.missingPerson.status).toBe('REMAINS_RECOVERED');
      expect((await transition({ id, status: 'MISSING' })).data?.transitionMissingPerson.missingPerson).toMatchObject({ status: 'MISSING', closure: null });
      await transition({ id, status: 'REMAINS_RECOVERED' });
      const closed = await transition({ id, status: 'CLOSED', closure: { closedOn: '2025-01-02', reason: 'IDENTIFIED_BY_OTHER_AUTHORITY' } });
      expect(closed.data?.transitionMissingPerson.missingPerson.closure?.reason).toBe('IDENTIFIED_BY_OTHER_AUTHORITY');
    });

    it.each([
      ['CLOSED without a closure', { status: 'CLOSED' }, { code: 'BAD_USER_INPUT', argument: 'input.closure' }],
      ['a closure with another status', { status: 'REMAINS_RECOVERED', closure: { closedOn: '2024-01-01', reason: 'FOUND_ALIVE' } }, { code: 'BAD_USER_INPUT', argument: 'input.closure' }],
      ['IDENTIFIED (an identification’s to make)', { status: 'IDENTIFIED' }, { code: 'BAD_USER_INPUT', argument: 'input.status' }],
      ['a closure before the mandate', { status: 'CLOSED', closure: { closedOn: '2001-01-01', reason: 'FOUND_ALIVE' } }, { code: 'BAD_USER_INPUT', argument: 'input.closure.closedOn' }],
      ['a closure in the future', { status: 'CLOSED', closure: { closedOn: '2999-01-01', reason: 'FOUND_ALIVE' } }, { code: 'BAD_USER_INPUT', argument: 'input.closure.closedOn' }],
      ['MISSING → MISSING', { status: 'MISSING' }, { code: 'CONFLICT', currentStatus: 'MISSING', requestedStatus: 'MISSING' }],
    ])('refuses %s, changing nothing', async (_label, change, expected) => {
      const id = await caseIn('MISSING', 2);
      expect(onlyErrorOf(await transition({ id, ...change }))).toMatchObject(expected);
      const [row] = await rows<{ status: string; closed_on: string | null }>(sql`select status::text, closed_on::text from forensics.missing_persons where id = ${id}`);
      expect(row).toEqual({ status: 'MISSING', closed_on: null });
    });

    it('refuses to close an identified case (CONFLICT naming both states)', async () => {
      const id = await caseIn('IDENTIFIED', 0);
      const response = await transition({ id, status: 'CLOSED', closure: { closedOn: '2024-01-01', reason: 'DUPLICATE_CASE' } });
      expect(onlyErrorOf(response)).toMatchObject({ code: 'CONFLICT', currentStatus: 'IDENTIFIED', requestedStatus: 'CLOSED' });
    });

    it('lists the seeded closures, one per reason', async () => {
      const response = await forensics.query<{ missingPersons: { edges: { node: { closure: { reason: string } } }[] } }>(
        '{ missingPersons(first: 100, filter: { status: CLOSED }) { edges { node { closure { closedOn reason } } } } }',
      );
      const reasons = response.data!.missingPersons.edges.map((edge) => edge.node.closure.reason);
      expect(reasons).toEqual(expect.arrayContaining(['FOUND_ALIVE', 'IDENTIFIED_BY_OTHER_AUTHORITY', 'DUPLICATE_CASE', 'REPORT_WITHDRAWN']));
    });
  });

  describe('in the database, whoever writes', () => {
    const refusal = async (statement: ReturnType<typeof sql>) => {
      const error = await forensics.instance.database.db.execute(statement).then(() => undefined, (thrown: unknown) => thrown);
      const { databaseViolation } = await import('@mission-graph/service-kit');
      return databaseViolation(error)?.constraint;
    };
    it.each([
      ['remains marked RETURNED without a handover', async () => sql`update forensics.mortal_remains set status = 'RETURNED', held_at = null where id = ${(await remainsIn('IDENTIFIED', 4)).id}`, 'mortal_remains_returned_with_handover'],
      ['a handover of unidentified remains', async () => sql`insert into forensics.remains_handovers (id, remains_id, handed_over_on, receiving_relative)
        values (gen_random_uuid(), ${(await remainsIn('UNIDENTIFIED', 1)).id}, '2025-01-01', 'Synthetic Insider')`, 'remains_handovers_of_identified_remains'],
      ['a handover that leaves the remains IDENTIFIED', async () => sql`insert into forensics.remains_handovers (id, remains_id, handed_over_on, receiving_relative)
        values (gen_random_uuid(), ${(await remainsIn('IDENTIFIED', 4)).id}, '2025-12-01', 'Synthetic Insider')`, 'remains_handovers_return_the_remains'],
      ['a handover dated before the identification', async () => {
        const remains = await remainsIn('IDENTIFIED', 4);
        return sql`insert into forensics.remains_handovers (id, remains_id, handed_over_on, receiving_relative)
          values (gen_random_uuid(), ${remains.id}, (${remains.identified_on}::date - 1), 'Synthetic Insider')`;
      }, 'remains_handovers_after_identification'],
      ['rewriting who received remains', async () => sql`update forensics.remains_handovers set receiving_relative = 'Someone else'`, 'remains_handovers_never_rewritten'],
      ['erasing a handover', async () => sql`delete from forensics.remains_handovers`, 'remains_handovers_never_rewritten'],
      ['a case CLOSED without a reason', async () => sql`update forensics.missing_persons set status = 'CLOSED' where id = ${await caseIn('MISSING', 3)}`, 'missing_persons_closed_with_reason'],
      ['a case reopened after closure', async () => sql`update forensics.missing_persons set status = 'MISSING', closed_on = null, closure_reason = null where id = ${await caseIn('CLOSED', 0)}`, 'missing_persons_status_transition'],
    ])('refuses %s (%s)', async (_label, statementOf, constraint) => {
      expect(await refusal(await statementOf())).toBe(constraint);
    });
  });

  it('leaves the published figures as they were (873 / 219 / 543 / 370)', async () => {
    const response = await forensics.query<{ forensicsStatistics: { groups: unknown[] } }>(STATISTICS);
    expect(response.data?.forensicsStatistics.groups).toEqual([
      { fieldOperations: 873, exhumations: 219, individualsIdentified: 543, missingPersonsIdentified: 370 },
    ]);
  });
});
