import { getNamedType, isAbstractType, isCompositeType, type GraphQLSchema } from 'graphql';
import type { Caller } from '@mission-graph/service-kit';
import type { PersonalData } from '../audit/personal-data.js';
import type { AccessDecisions } from './decisions.js';
import type { RefusalExplainer } from './explain-refusal.js';

/**
 * Personal data is disclosed only to a token that names its holder (`sub`). A token
 * without one (a shared kiosk's client credentials, a service account) could read it
 * and the trail could only say "anonymous": nobody could be held to account. Such a
 * caller gets every personal field refused like any other unauthorized field, its
 * error saying `subjectRequired: true`, and the attempt is recorded as DENIED
 * (SUBJECT_REQUIRED). Callers with no token at all are refused personal data by its
 * scopes already.
 *
 * A field is personal on a type when the field's or the type's rule names a personal
 * scope, and a field whose type is personal (`ProtectedWitness.identity`) is too —
 * on every type that may hold it, as the scope rules are judged (decisions.ts).
 */
export function requiringSubject(
  schema: GraphQLSchema,
  personal: PersonalData,
  caller: Caller,
  decisions: AccessDecisions,
  explain: RefusalExplainer,
): { decisions: AccessDecisions; explain: RefusalExplainer } {
  if (!caller.authenticated || caller.subject) return { decisions, explain };
  const isPersonalAt = (typeName: string, fieldName: string | undefined): boolean => {
    if (fieldName === undefined) return personal.isPersonalType(typeName);
    const type = schema.getType(typeName);
    if (!type || !isCompositeType(type)) return false;
    const holders = isAbstractType(type) ? [type, ...schema.getPossibleTypes(type)] : [type];
    return holders.some((holder) => {
      if (personal.isPersonal(holder.name, fieldName)) return true;
      const field = 'getFields' in holder ? holder.getFields()[fieldName] : undefined;
      return field !== undefined && personal.isPersonalType(getNamedType(field.type).name);
    });
  };
  return {
    decisions: {
      type: (type) => decisions.type(type) && !personal.isPersonalType(type.name),
      field: (parent, fieldName) =>
        decisions.field(parent, fieldName) && (fieldName.startsWith('__') || !isPersonalAt(parent.name, fieldName)),
    },
    explain: (coordinate) => {
      const [typeName, fieldName] = coordinate.split('.') as [string, string | undefined];
      const missing = explain(coordinate);
      return isPersonalAt(typeName, fieldName) ? { ...missing, subjectRequired: true } : missing;
    },
  };
}
