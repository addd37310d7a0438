/**
 * Need-to-know that holds against an insider (issue 10, item 5 hardened): the keys the
 * database has not. Identities and whereabouts are encrypted at rest (WITNESS_DATA_KEY),
 * assignment steps are MACed in a chain with a MACed head (WITNESS_ASSIGNMENT_KEY). Each
 * attack an insider with the service's database rights (or a superuser with the triggers
 * off) tries is a test named after it, on PGlite and PostgreSQL, over real HTTP with
 * internal tokens; the mechanisms themselves are tested alone first.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, readConfig, requireInProduction, syntheticId, type Caller } from '@mission-graph/service-kit';
import { startSubgraph, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headMac, stepMac, verifyAssignment, type SealedAssignment, type SealedStep } from '../src/crypto/assignment-seal.js';
import { decryptField, encryptField, UnreadableFieldError, type FieldPlace } from '../src/crypto/field-cipher.js';
import {
  SPECIALIST_CHAMBERS_PRODUCTION_REQUIRED,
  specialistChambersEnv,
  specialistChambersEnvironment,
} from '../src/crypto/witness-keys.js';
import { createService } from '../src/service.js';
import { protectionOfficerAssignmentEvents, protectionOfficerAssignments, relocations, witnessIdentities } from '../src/db/schema.js';
import { officersOf } from './seed-facts.js';

const key = randomBytes(32);
const otherKey = randomBytes(32);
const place = (rowId: string, column: FieldPlace['column'] = 'witness_identities.full_name'): FieldPlace => ({ column, rowId });

describe('the field cipher (AES-256-GCM, the column and row as associated data)', () => {
  const row = randomUUID();

  it('decrypts what it encrypted, and never writes the same ciphertext twice (random IV)', () => {
    const first = encryptField(key, place(row), 'Synthetic Witness 99');
    const second = encryptField(key, place(row), 'Synthetic Witness 99');
    expect(first).not.toBe(second);
    expect(first).toMatch(/^enc:v1:[0-9a-f]{8}:[\w-]{16}:[\w-]+$/);
    expect(first).not.toContain('Synthetic');
    expect(decryptField(key, place(row), first)).toBe('Synthetic Witness 99');
  });

  it('a ciphertext moved to another row, or another column, does not decrypt', () => {
    const sealed = encryptField(key, place(row), 'Synthetic Witness 99');
    expect(() => decryptField(key, place(randomUUID()), sealed)).toThrow(UnreadableFieldError);
    expect(() => decryptField(key, place(row, 'witness_identities.current_location'), sealed)).toThrow(UnreadableFieldError);
  });

  it('a tampered ciphertext, another key or a value in clear does not decrypt', () => {
    const sealed = encryptField(key, place(row), 'Synthetic Witness 99');
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
    expect(() => decryptField(key, place(row), flipped)).toThrow(UnreadableFieldError);
    expect(() => decryptField(otherKey, place(row), sealed)).toThrow(UnreadableFieldError);
    expect(() => decryptField(key, place(row), 'Synthetic Witness 99')).toThrow(UnreadableFieldError);
  });
});

describe('the assignment seal (HMAC-SHA256 chain and head)', () => {
  const assignment: SealedAssignment = { id: randomUUID(), witnessId: randomUUID(), officerSubject: 'officer-x', proposedBy: 'manager-1' };
  const at = (hour: number) => `2026-01-01T${String(hour).padStart(2, '0')}:00:00.000000Z`;
  const chain = (actions: readonly ('PROPOSED' | 'APPROVED' | 'REVOKED')[], by = assignment) => {
    let previous = '';
    const steps: SealedStep[] = actions.map((action, i) => {
      const step = { id: randomUUID(), action, actor: `manager-${i + 1}`, occurredAt: at(9 + i) };
      previous = stepMac(key, by, step, previous);
      return { ...step, mac: previous };
    });
    return { steps, head: headMac(key, by.id, previous) };
  };

  it('proves an intact chain: proposed, approved, revoked', () => {
    for (const actions of [['PROPOSED'], ['PROPOSED', 'APPROVED'], ['PROPOSED', 'APPROVED', 'REVOKED']] as const) {
      const { steps, head } = chain(actions);
      expect(verifyAssignment(key, assignment, steps, head)).toEqual({ status: actions.at(-1), intact: true });
    }
  });

  it('an approval without a MAC, or MACed with another key, opens nothing', () => {
    const { steps, head } = chain(['PROPOSED', 'APPROVED']);
    expect(verifyAssignment(key, assignment, [steps[0]!, { ...steps[1]!, mac: null }], head)).toEqual({ status: 'REVOKED', intact: false });
    expect(verifyAssignment(otherKey, assignment, steps, head).intact).toBe(false);
  });

  it('an edited step (another approver, another time) or an edited assignment (another officer) breaks the chain', () => {
    const { steps, head } = chain(['PROPOSED', 'APPROVED']);
    expect(verifyAssignment(key, assignment, [steps[0]!, { ...steps[1]!, actor: 'someone-else' }], head).intact).toBe(false);
    expect(verifyAssignment(key, assignment, [steps[0]!, { ...steps[1]!, occurredAt: at(23) }], head).intact).toBe(false);
    expect(verifyAssignment(key, { ...assignment, officerSubject: 'insider' }, steps, head).intact).toBe(false);
  });

  it('deleting the newest step (a revocation) leaves a chain that does not reach its head: closed', () => {
    const { steps, head } = chain(['PROPOSED', 'APPROVED', 'REVOKED']);
    expect(verifyAssignment(key, assignment, steps.slice(0, 2), head)).toEqual({ status: 'REVOKED', intact: false });
    expect(verifyAssignment(key, assignment, steps.slice(0, 2), null).intact).toBe(false);
  });

  it('an approval copied from another assignment does not verify here', () => {
    const other = { ...assignment, id: randomUUID() };
    const theirs = chain(['PROPOSED', 'APPROVED'], other);
    const mine = chain(['PROPOSED']);
    expect(verifyAssignment(key, assignment, [mine.steps[0]!, theirs.steps[1]!], theirs.head).intact).toBe(false);
  });
});

describe('the witness keys as configuration', () => {
  const keyText = () => randomBytes(32).toString('base64');

  it('are required in production', () => {
    const env = readConfig(specialistChambersEnv, { NODE_ENV: 'production' });
    expect(() => requireInProduction(env, SPECIALIST_CHAMBERS_PRODUCTION_REQUIRED)).toThrow(
      /WITNESS_DATA_KEY: required in production[\s\S]*WITNESS_ASSIGNMENT_KEY: required in production/,
    );
  });

  it('must be 32 bytes of base64, and two different keys', () => {
    expect(() => readConfig(specialistChambersEnv, { WITNESS_DATA_KEY: 'c2hvcnQ=' })).toThrow(/WITNESS_DATA_KEY: must be 32 random bytes/);
    const same = keyText();
    const env = readConfig(specialistChambersEnv, { WITNESS_DATA_KEY: same, WITNESS_ASSIGNMENT_KEY: same });
    expect(() => specialistChambersEnvironment.options(env)).toThrow(ConfigError);
    const data = keyText();
    const assignment = keyText();
    const options = specialistChambersEnvironment.options(readConfig(specialistChambersEnv, { WITNESS_DATA_KEY: data, WITNESS_ASSIGNMENT_KEY: assignment }));
    expect(options.witnessKeys?.data.toString('base64')).toBe(data);
    expect(options.witnessKeys?.assignment.toString('base64')).toBe(assignment);
  });

  it('are generated once under DATA_DIR/keys in development, and read again', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'witness-keys-'));
    try {
      const first = specialistChambersEnvironment.options(readConfig(specialistChambersEnv, { DATA_DIR: dataDir }));
      const again = specialistChambersEnvironment.options(readConfig(specialistChambersEnv, { DATA_DIR: dataDir }));
      expect(readdirSync(path.join(dataDir, 'keys')).sort()).toEqual(['witness-assignment.key', 'witness-data.key']);
      expect(again.witnessKeys?.data.equals(first.witnessKeys!.data)).toBe(true);
      expect(first.witnessKeys?.data.equals(first.witnessKeys.assignment)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const IDENTITY = 'query($id: ID!) { protectedWitness(id: $id) { accessBasis identity { fullName dateOfBirth currentLocation } history { __typename ... on Relocation { fromLocation toLocation } } } }';
const PROPOSE = 'mutation($input: ProposeProtectionOfficerInput!) { proposeProtectionOfficer(input: $input) { assignment { id } } }';
const APPROVE = 'mutation($input: ApproveProtectionOfficerInput!) { approveProtectionOfficer(input: $input) { assignment { status } } }';
const REVOKE = 'mutation($input: RevokeProtectionOfficerInput!) { revokeProtectionOfficer(input: $input) { protectedWitness { codename } } }';
const RELOCATE = 'mutation($input: RecordRelocationInput!) { recordRelocation(input: $input) { protectedWitness { status } } }';
const CLEAR = /Synthetic Witness|Safe Location|Transit Location|Home Town|Relocated Town/;

interface WitnessView {
  protectedWitness: { accessBasis: string; identity: { fullName: string; dateOfBirth: string; currentLocation: string } | null } | null;
}

describeOnEachDatabase('an insider with rights on the specialist-chambers database,', (flavour) => {
  let running: RunningSubgraph;
  beforeAll(async () => {
    running = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await running?.stop();
  });

  const witnessId = (n: number) => syntheticId('protected-witness', n);
  const as = (subject: string): Partial<Caller> => ({ subject });
  const read = (n: number, officer: string) => running.query<WitnessView>(IDENTITY, { id: witnessId(n) }, as(officer));
  const rows = <Row>(statement: ReturnType<typeof sql>) => running.instance.database.rows<Row>(statement);
  /** Runs with the history's triggers off, as a superuser (or the tables' owner) can. */
  const triggersOff = async (statement: ReturnType<typeof sql>) => {
    await rows(sql`alter table ${protectionOfficerAssignmentEvents} disable trigger user`);
    try {
      await rows(statement);
    } finally {
      await rows(sql`alter table ${protectionOfficerAssignmentEvents} enable trigger user`);
    }
  };
  const assign = async (n: number, officer: string) => {
    const proposed = await running.query<{ proposeProtectionOfficer: { assignment: { id: string } } }>(PROPOSE, { input: { witnessId: witnessId(n), officer } }, as('manager-a'));
    const id = proposed.data!.proposeProtectionOfficer.assignment.id;
    expect((await running.query(APPROVE, { input: { assignmentId: id } }, as('manager-b'))).errors).toBeUndefined();
    return id;
  };

  it('still opens the seeded assignments and the ones the service writes (their steps verify)', async () => {
    const seeded = await read(7, officersOf(7)[0]!);
    expect(seeded.errors).toBeUndefined();
    expect(seeded.data?.protectedWitness).toMatchObject({ accessBasis: 'ASSIGNED', identity: { fullName: 'Synthetic Witness 07' } });
    await assign(11, 'officer-sealed-1');
    expect((await read(11, 'officer-sealed-1')).data?.protectedWitness?.accessBasis).toBe('ASSIGNED');
  });

  it('a proposal and an approval written straight into the tables open nothing', async () => {
    const id = randomUUID();
    await running.instance.database.db.transaction(async (tx) => {
      await tx.insert(protectionOfficerAssignments).values({ id, witnessId: witnessId(13), officerSubject: 'officer-forged', proposedBy: 'programme-manager-01' });
      await tx.insert(protectionOfficerAssignmentEvents).values({ id: randomUUID(), assignmentId: id, action: 'PROPOSED', actor: 'programme-manager-01', occurredAt: sql`now() - interval '1 hour'` });
    });
    await running.instance.database.db.insert(protectionOfficerAssignmentEvents).values({ id: randomUUID(), assignmentId: id, action: 'APPROVED', actor: 'programme-manager-02' });
    const response = await read(13, 'officer-forged');
    expect(response.data?.protectedWitness).toMatchObject({ accessBasis: 'NONE', identity: null });
    expect(JSON.stringify(response)).not.toMatch(CLEAR);
  });

  it('a MAC copied from a genuine approval onto a forged one opens nothing', async () => {
    const genuine = await assign(13, 'officer-sealed-2');
    const [approval] = await rows<{ mac: string }>(sql`select mac from ${protectionOfficerAssignmentEvents} where assignment_id = ${genuine} and action = 'APPROVED'`);
    const [head] = await rows<{ mac: string }>(sql`select mac from specialist_chambers.protection_officer_assignment_heads where assignment_id = ${genuine}`);
    const id = randomUUID();
    await running.instance.database.db.transaction(async (tx) => {
      await tx.insert(protectionOfficerAssignments).values({ id, witnessId: witnessId(13), officerSubject: 'officer-forged-2', proposedBy: 'manager-a' });
      await tx.insert(protectionOfficerAssignmentEvents).values({ id: randomUUID(), assignmentId: id, action: 'PROPOSED', actor: 'manager-a', occurredAt: sql`now() - interval '1 hour'`, mac: approval!.mac });
    });
    await running.instance.database.db.insert(protectionOfficerAssignmentEvents).values({ id: randomUUID(), assignmentId: id, action: 'APPROVED', actor: 'manager-b', mac: approval!.mac });
    await rows(sql`insert into specialist_chambers.protection_officer_assignment_heads (assignment_id, mac) values (${id}, ${head!.mac})`);
    expect((await read(13, 'officer-forged-2')).data?.protectedWitness?.accessBasis).toBe('NONE');
  });

  it('deleting the REVOKED step of a revoked officer (triggers off) does not give the access back', async () => {
    const id = await assign(17, 'officer-revoked-1');
    expect((await read(17, 'officer-revoked-1')).data?.protectedWitness?.accessBasis).toBe('ASSIGNED');
    expect((await running.query(REVOKE, { input: { witnessId: witnessId(17), officer: 'officer-revoked-1' } }, as('manager-c'))).errors).toBeUndefined();
    await triggersOff(sql`delete from ${protectionOfficerAssignmentEvents} where assignment_id = ${id} and action = 'REVOKED'`);
    expect(await rows(sql`select action from ${protectionOfficerAssignmentEvents} where assignment_id = ${id} order by occurred_at`)).toEqual([{ action: 'PROPOSED' }, { action: 'APPROVED' }]);
    const response = await read(17, 'officer-revoked-1');
    expect(response.data?.protectedWitness).toMatchObject({ accessBasis: 'NONE', identity: null });
    expect(JSON.stringify(response)).not.toMatch(CLEAR);
  });

  it('deleting an assignment’s head (triggers off) closes it rather than opening it', async () => {
    await assign(18, 'officer-headless');
    await rows(sql`delete from specialist_chambers.protection_officer_assignment_heads where assignment_id in
      (select id from ${protectionOfficerAssignments} where officer_subject = 'officer-headless')`);
    expect((await read(18, 'officer-headless')).data?.protectedWitness?.accessBasis).toBe('NONE');
  });

  it('re-pointing a sealed assignment to another officer (triggers off) opens nothing to either', async () => {
    const id = await assign(22, 'officer-genuine');
    await rows(sql`alter table ${protectionOfficerAssignments} disable trigger user`);
    try {
      await rows(sql`update ${protectionOfficerAssignments} set officer_subject = 'officer-usurper' where id = ${id}`);
    } finally {
      await rows(sql`alter table ${protectionOfficerAssignments} enable trigger user`);
    }
    expect((await read(22, 'officer-usurper')).data?.protectedWitness?.accessBasis).toBe('NONE');
  });

  it('a database administrator reading the witness tables sees no identity or location in clear', async () => {
    const identities = await rows<Record<string, unknown>>(sql`select * from ${witnessIdentities}`);
    const moves = await rows<Record<string, unknown>>(sql`select * from ${relocations}`);
    expect(identities).toHaveLength(40);
    expect(moves.length).toBeGreaterThan(20);
    expect(JSON.stringify([identities, moves])).not.toMatch(CLEAR);
    for (const identity of identities) expect(identity.date_of_birth).toMatch(/^enc:v1:/);
  });

  it('a relocation is written encrypted too: neither the move nor the new current location is in clear', async () => {
    const officer = officersOf(3)[0]!; // witness 3 is RELOCATED
    const moved = await running.query(RELOCATE, { input: { witnessId: witnessId(3), occurredOn: '2026-10-01', toLocation: 'Synthetic Relocated Town 77' } }, as(officer));
    expect(moved.errors).toBeUndefined();
    const stored = await rows<Record<string, unknown>>(sql`select r.*, i.current_location from ${relocations} r join ${witnessIdentities} i using (witness_id) where witness_id = ${witnessId(3)}`);
    expect(JSON.stringify(stored)).not.toMatch(CLEAR);
    const seen = await read(3, officer);
    expect(seen.data?.protectedWitness?.identity?.currentLocation).toBe('Synthetic Relocated Town 77');
    expect(JSON.stringify(seen)).toContain('"toLocation":"Synthetic Relocated Town 77"');
  });

  it('an identity copied onto another witness’s row does not decrypt: an error, never the other witness’s name', async () => {
    await rows(sql`update ${witnessIdentities} set full_name = (select full_name from ${witnessIdentities} where witness_id = ${witnessId(9)})
      where witness_id = ${witnessId(21)}`);
    const response = await read(21, officersOf(21)[0]!);
    expect(response.data?.protectedWitness?.identity ?? null).toBeNull();
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(response)).not.toMatch(/Synthetic Witness (09|21)/);
  });
});
