import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode, type OperationDefinitionNode, type ValueNode } from 'graphql';
import { ErrorCode } from './errors.js';
import { definitionsInUse } from './definitions-in-use.js';

/**
 * Text PostgreSQL stores and JSON round-trips unchanged: no NUL character (PostgreSQL
 * cannot store one, so a NUL would otherwise end as an internal error), no unpaired
 * UTF-16 surrogate (valid as a JSON escape, silently stored as U+FFFD: the record would
 * differ from what the client sent and was told was recorded; an audit event would later
 * look edited).
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where an operation's input holds text that is not storable, and what is wrong with it. */
export interface UnstorableInput {
  /** The argument's dotted path (`filter.municipality`, `input.description`). */
  argument: string;
  /** The variable that carried it, when it came in a variable. */
  variable?: string;
  problem: 'a NUL character' | 'an unpaired surrogate';
}

/** Values nested deeper than this are not looked into (coercion refuses them anyway). */
const MAX_DEPTH = 64;

/**
 * The first text in an operation's arguments — literals in the document and the values of
 * its declared variables — that could not be stored as sent. Checked once for every
 * argument of every type (a String, an ID or a custom scalar) before anything runs: by the
 * gateway's operation pipeline, and by every subgraph for callers that reach it directly.
 * Undeclared variables are not looked at (nothing reads them).
 */
export function findUnstorableInput(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): UnstorableInput | undefined {
  // Fast path: nothing to report in the ordinary request (no variable text is odd, no literal escapes).
  const declared = (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value);
  const badVariables = new Map<string, { path: string; problem: UnstorableInput['problem'] }>();
  for (const name of declared) {
    const found = unstorableIn(variables?.[name]);
    if (found) badVariables.set(name, found);
  }
  const literalsSuspect = document.loc ? /\\u|[\ud800-\udfff]/.test(document.loc.source.body) : true;
  if (badVariables.size === 0 && !literalsSuspect) return undefined;

  // Where each argument value sits: argument name, then input field names.
  let found: UnstorableInput | undefined;
  const within = (value: ValueNode, at: string[]): void => {
    if (found) return;
    if (value.kind === Kind.STRING) {
      const problem = problemOf(value.value);
      if (problem) found = { argument: at.join('.'), problem };
    } else if (value.kind === Kind.VARIABLE) {
      const bad = badVariables.get(value.name.value);
      if (bad) found = { argument: [...at, ...(bad.path ? [bad.path] : [])].join('.'), variable: value.name.value, problem: bad.problem };
    } else if (value.kind === Kind.LIST) {
      for (const item of value.values) within(item, at);
    } else if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) within(field.value, [...at, field.name.value]);
    }
  };
  // The operation and the fragments it uses: their literals are the operation's too.
  for (const node of definitionsInUse(document, operation)) {
    if (found) break;
    visit(node, {
      Argument: (argument) => {
        within(argument.value, [argument.name.value]);
        return false;
      },
    });
  }
  if (found) return found;
  // A variable declared with odd text but used nowhere (or only in a directive): still refused.
  const [name, bad] = [...badVariables][0] ?? [];
  return name && bad ? { argument: bad.path ? `$${name}.${bad.path}` : `$${name}`, variable: name, problem: bad.problem } : undefined;
}

function problemOf(text: string): UnstorableInput['problem'] | undefined {
  if (text.includes('\u0000')) return 'a NUL character';
  return LONE_SURROGATE.test(text) ? 'an unpaired surrogate' : undefined;
}

/** The first unstorable string inside a JSON value, with its path below the value (`description`, `items.note`). */
function unstorableIn(value: unknown): { path: string; problem: UnstorableInput['problem'] } | undefined {
  // Iterative, bounded: a hostile value may be nested very deep.
  const stack: { value: unknown; path: string[]; depth: number }[] = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const problem = problemOf(current);
      if (problem) return { path: path.join('.'), problem };
      continue;
    }
    if (current === null || typeof current !== 'object' || depth >= MAX_DEPTH) continue;
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) stack.push({ value: current[index], path, depth: depth + 1 });
    } else {
      const entries = Object.entries(current as Record<string, unknown>);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, item] = entries[index]!;
        stack.push({ value: item, path: [...path, key], depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** `BAD_USER_INPUT` naming the argument (and the variable that carried the text); never repeats the text. */
export function unstorableInputError(found: UnstorableInput): GraphQLError {
  return new GraphQLError(
    `Invalid argument "${found.argument}": text must not contain ${found.problem === 'a NUL character' ? 'NUL characters' : 'unpaired surrogate characters'}`,
    {
      extensions: {
        code: ErrorCode.BAD_USER_INPUT,
        argument: found.argument,
        ...(found.variable ? { variable: found.variable } : {}),
        http: { status: 400 },
      },
    },
  );
}

/**
 * Every subgraph refuses unstorable text before anything runs, for callers that reach it
 * around the gateway (the gateway refuses it already): the same check, the same error.
 */
export function storableTextPlugin(): ApolloServerPlugin {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ document, operation, request }) => {
        if (!operation) return;
        const found = findUnstorableInput(document, operation, request.variables);
        if (found) throw unstorableInputError(found);
      },
    }),
  };
}
