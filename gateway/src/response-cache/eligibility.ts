import { Kind, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import type { AccessRule, AccessRules } from '@mission-graph/service-kit';
import type { ExecutionShape, ShapeNode } from '../operation/shape.js';

/**
 * Which answers the response cache may keep, decided on the operation as cut for the
 * caller (operation/shape.ts), before anything runs. An answer is shared between callers
 * with the same rights only when nothing in it can depend on *who* asks beyond those
 * rights. So the cache keeps no answer that selects:
 * - personal data (a field or type under a personal scope): its disclosure is audited per
 *   request, and an answer that skips the pipeline would skip its audit event;
 * - anything under need-to-know: the witness-protection scopes (assignments decide per
 *   principal what a witness record shows — `accessBasis`, the identity, proposals);
 * - anything of the audit service: each read of the trail is itself recorded, per request;
 * - introspection (answered by the gateway itself; nothing to save).
 * It also names the subgraphs the answer comes from, so that a mutation forwarded to one
 * of them drops it (response-cache.ts).
 */
export const NEED_TO_KNOW_SCOPE_PREFIXES = ['witness-protection:'];
/** Subgraphs whose every answer is per principal. */
export const PER_PRINCIPAL_SUBGRAPHS = new Set(['audit']);

export type Eligibility = { cacheable: true; subgraphs: ReadonlySet<string> } | { cacheable: false; reason: string };

/** Subgraphs serving each `Type.field` and each type, read from the supergraph's `@join__*` directives. */
export interface Ownership {
  field(typeName: string, fieldName: string): readonly string[];
}

export function readOwnership(supergraph: DocumentNode): Ownership {
  const graphNames = new Map<string, string>();
  const typeGraphs = new Map<string, string[]>();
  const fieldGraphs = new Map<string, string[]>();
  const graphsIn = (directives: readonly ConstDirectiveNode[] | undefined, name: string) =>
    (directives ?? [])
      .filter((directive) => directive.name.value === name)
      .flatMap((directive) => {
        const graph = directive.arguments?.find((argument) => argument.name.value === 'graph')?.value;
        return graph?.kind === Kind.ENUM ? [graph.value] : [];
      });
  for (const definition of supergraph.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph') {
      for (const value of definition.values ?? []) {
        const name = value.directives
          ?.find((directive) => directive.name.value === 'join__graph')
          ?.arguments?.find((argument) => argument.name.value === 'name')?.value;
        if (name?.kind === Kind.STRING) graphNames.set(value.name.value, name.value);
      }
    }
  }
  for (const definition of supergraph.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION
    ) {
      continue;
    }
    const typeName = definition.name.value;
    const ofType = graphsIn(definition.directives, 'join__type');
    typeGraphs.set(typeName, [...(typeGraphs.get(typeName) ?? []), ...ofType]);
    for (const field of definition.fields ?? []) {
      const ofField = graphsIn(field.directives, 'join__field');
      if (ofField.length > 0) fieldGraphs.set(`${typeName}.${field.name.value}`, ofField);
    }
  }
  const named = (graphs: readonly string[]) => graphs.map((graph) => graphNames.get(graph) ?? graph);
  return {
    // A field without `@join__field` is served by every subgraph that defines its type.
    field: (typeName, fieldName) => named(fieldGraphs.get(`${typeName}.${fieldName}`) ?? typeGraphs.get(typeName) ?? []),
  };
}

const mentionsNeedToKnow = (rule: AccessRule | undefined) =>
  rule?.scopes?.some((all) => all.some((scope) => NEED_TO_KNOW_SCOPE_PREFIXES.some((prefix) => scope.startsWith(prefix)))) ?? false;

/** May the answer to this cut operation be cached, and which subgraphs does it come from? */
export function eligibility(shape: ExecutionShape, rules: AccessRules, ownership: Ownership): Eligibility {
  if (shape.operation.operation !== 'query') return { cacheable: false, reason: 'not a query' };
  // Hidden ids were added for the audit: the operation may disclose personal data.
  if (shape.audited) return { cacheable: false, reason: 'personal data' };
  const subgraphs = new Set<string>();
  const visit = (node: ShapeNode): string | undefined => {
    for (const [typeName, ofType] of node.byType) {
      for (const kept of ofType.kept) {
        const { fieldName } = kept.selection;
        if (fieldName === '__typename') continue;
        if (fieldName.startsWith('__')) return 'introspection';
        if (kept.personal || kept.witnessIdentity) return 'personal data';
        if (mentionsNeedToKnow(rules.fields.get(kept.coordinate)) || mentionsNeedToKnow(rules.types.get(typeName))) {
          return 'need-to-know';
        }
        const owners = ownership.field(typeName, fieldName);
        if (owners.length === 0) return 'unknown owner';
        for (const owner of owners) {
          if (PER_PRINCIPAL_SUBGRAPHS.has(owner)) return 'per-principal subgraph';
          subgraphs.add(owner);
        }
        if (kept.child) {
          const refused = visit(kept.child);
          if (refused) return refused;
        }
      }
    }
    return undefined;
  };
  const refused = visit(shape.root);
  return refused ? { cacheable: false, reason: refused } : { cacheable: true, subgraphs };
}
