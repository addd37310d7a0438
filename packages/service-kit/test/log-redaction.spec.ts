/**
 * Logs never hold personal data: a statement that fails on a witness's identity is logged
 * (by `maskInternalErrors` and by the JSON logger) with its SQLSTATE, constraint and SQL,
 * never with its parameters, the failing row or a value quoted in the message. Real
 * statements on real databases: the errors are the drivers' and drizzle's own.
 */
import { Writable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { pgSchema, text, uuid } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { GraphQLError } from 'graphql';
import type { Db } from '../src/database.js';
import { maskInternalErrors } from '../src/format-error.js';
import { redactError } from '../src/log-redaction.js';
import { createLogger } from '../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';
import { describeOnEachDatabase } from '../src/testing-suites.js';

const schema = pgSchema('redaction_test');
const identities = schema.table('identities', {
  id: uuid('id').primaryKey(),
  fullName: text('full_name').notNull(),
  location: text('location').notNull(),
});
const DDL = [
  'create schema redaction_test',
  `create table redaction_test.identities (id uuid primary key, full_name text not null,
     location text not null constraint identities_location_short check (length(location) < 10))`,
];
const SECRET = /Synthetic Secretname|Hideout Street|Dormant Lane/;

describeOnEachDatabase('a failing statement in the logs', (flavour) => {
  let db: Db;
  let testDatabase: TestDatabase | undefined;
  let close: () => Promise<unknown>;

  beforeAll(async () => {
    if (flavour === 'postgres') {
      testDatabase = await createTestDatabase();
      const client = postgres(testDatabase.url!, { max: 1, onnotice: () => {} });
      for (const statement of DDL) await client.unsafe(statement);
      db = drizzlePostgres(client) as unknown as Db;
      close = async () => {
        await client.end();
        await testDatabase?.drop();
      };
    } else {
      const client = new PGlite();
      for (const statement of DDL) await client.exec(statement);
      db = drizzlePglite(client) as unknown as Db;
      close = () => client.close();
    }
  });
  afterAll(() => close?.());

  /** The error of a statement that fails while writing a synthetic witness identity. */
  const failures = async (): Promise<unknown[]> => {
    const attempts = [
      // A check constraint: the failing row (name, location) is in `detail`; every parameter in drizzle's message.
      () => db.insert(identities).values({ id: '00000000-0000-4000-8000-000000000001', fullName: 'Synthetic Secretname', location: 'Hideout Street 7' }),
      // A value PostgreSQL quotes in the message itself.
      () => db.execute(sql`select ${'Dormant Lane 3'}::uuid`),
    ];
    const errors: unknown[] = [];
    for (const attempt of attempts) {
      try {
        await attempt();
        errors.push(new Error('the statement did not fail'));
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  };

  it('a statement that fails while referring a witness writes neither parameters nor the failing row to the console (maskInternalErrors)', async () => {
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      for (const arg of args) {
        if (!(arg instanceof Error)) continue;
        // Everything an error carries, its cause included, as a log shipper would see it.
        logged.push(`${arg.message} ${arg.stack} ${JSON.stringify(arg)} ${String(arg.cause)} ${JSON.stringify(arg.cause)}`);
      }
    });
    try {
      const errors = await failures();
      const format = maskInternalErrors(false);
      for (const error of errors) {
        const wrapped = new GraphQLError('Unexpected error', { originalError: error as Error, path: ['referWitness'] });
        expect(format({ message: wrapped.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, wrapped).message).toBe('Internal server error');
      }
    } finally {
      spy.mockRestore();
    }
    expect(logged).toHaveLength(2);
    const text = logged.join('\n');
    expect(text).not.toMatch(SECRET);
    // What an operator needs stays: the SQL (without values), the constraint, the SQLSTATE.
    expect(text).toMatch(/identities_location_short/);
    expect(text).toMatch(/insert into "redaction_test"."identities"/);
  });

  it('the JSON logger’s err serializer redacts the same, SQLSTATE and constraint kept', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ service: 'redaction-test', destination, level: 'info' });
    for (const error of await failures()) logger.error({ err: error }, 'request failed');
    expect(lines).toHaveLength(2);
    const text = lines.join('');
    expect(text).not.toMatch(SECRET);
    const first = JSON.parse(lines[0]!) as { err: { message: string; type: string; stack: string } };
    expect(first.err.message).toMatch(/params: \[redacted\]/);
    expect(`${first.err.message} ${first.err.stack}`).toMatch(/23514|identities_location_short/);
  });
});

it('redactError keeps names and codes, drops values quoted after a colon, DETAIL and Key parts', () => {
  const driver = Object.assign(new Error('duplicate key value violates unique constraint "people_name_unique"'), {
    code: '23505',
    constraint_name: 'people_name_unique',
    detail: 'Key (full_name)=(Synthetic Secretname) already exists.',
    params: ['Synthetic Secretname'],
  });
  const redacted = redactError(new Error('Failed query: insert into "people" values ($1)\nparams: Synthetic Secretname', { cause: driver })) as Error;
  const text = `${redacted.message} ${redacted.stack} ${JSON.stringify(redacted)} ${JSON.stringify(redacted.cause)} ${(redacted.cause as Error).message}`;
  expect(text).not.toMatch(SECRET);
  expect(redacted.cause).toMatchObject({ code: '23505', constraint_name: 'people_name_unique' });
  expect((redacted.cause as Error).message).toBe('duplicate key value violates unique constraint "people_name_unique"');
  expect((redactError(new Error('invalid input syntax for type uuid: "Dormant Lane 3"')) as Error).message).toBe('invalid input syntax for type uuid: "[redacted]"');
});
