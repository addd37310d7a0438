import {
  getNamedType,
  isCompositeType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Asks, alongside the client's own selections, for what the audit needs to name the
 * records in a response: every object's type, and its id where it has one. The
 * aliases are the gateway's own and are removed from the response before it is sent.
 */
export const AUDIT_TYPE = '_audit_type_';
export const AUDIT_ID = '_audit_id_';

const field = (alias: string, name: string): FieldNode => ({
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: alias },
  name: { kind: Kind.NAME, value: name },
});

export function instrumentForAudit(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): { document: DocumentNode; operation: OperationDefinitionNode } {
  const withHidden = (set: SelectionSetNode, type: GraphQLCompositeType | undefined): SelectionSetNode => {
    const hasId = type !== undefined && 'getFields' in type && 'id' in type.getFields();
    const selections = set.selections.map((selection) => {
      if (selection.kind === Kind.FIELD) {
        if (!selection.selectionSet || !type || !('getFields' in type)) return selection;
        const child = type.getFields()[selection.name.value];
        const childType = child ? getNamedType(child.type) : undefined;
        return {
          ...selection,
          selectionSet: withHidden(selection.selectionSet, childType && isCompositeType(childType) ? childType : undefined),
        };
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        return {
          ...selection,
          selectionSet: withHidden(selection.selectionSet, condition && isCompositeType(condition) ? condition : undefined),
        };
      }
      return selection;
    });
    return { ...set, selections: [...selections, field(AUDIT_TYPE, '__typename'), ...(hasId ? [field(AUDIT_ID, 'id')] : [])] };
  };

  const root = schema.getRootType(operation.operation) ?? undefined;
  const instrumented: OperationDefinitionNode = {
    ...operation,
    selectionSet: { ...operation.selectionSet, selections: withHidden(operation.selectionSet, root).selections.filter(
      // The root has no id, and __typename there says nothing about a record.
      (selection) => !(selection.kind === Kind.FIELD && selection.alias?.value === AUDIT_TYPE),
    ) },
  };
  const definitions = document.definitions.map((definition) => {
    if (definition === operation) return instrumented;
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const condition = schema.getType(definition.typeCondition.name.value);
      return { ...definition, selectionSet: withHidden(definition.selectionSet, condition && isCompositeType(condition) ? condition : undefined) };
    }
    return definition;
  });
  return { document: { ...document, definitions }, operation: instrumented };
}
