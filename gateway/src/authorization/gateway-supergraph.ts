import { Kind, parse, print, visit } from 'graphql';
import { SECURITY_DIRECTIVES } from '@mission-graph/service-kit';

const SECURITY_SPECS = /^https:\/\/specs\.apollo\.dev\/(authenticated|requiresScopes|policy)\//;
const SECURITY_SCALARS = new Set(['requiresScopes__Scope', 'policy__Policy']);

/**
 * The same supergraph without the security features, which @apollo/gateway 2.x
 * refuses to load ("is for: SECURITY but is unsupported"). The gateway plans and
 * executes with this copy; enforcement happens before it (AuthorizingGateway), from
 * the rules `readAccessRules` reads off the original.
 */
export function withoutSecurityFeatures(supergraphSdl: string): string {
  const stripped = visit(parse(supergraphSdl), {
    Directive(node) {
      if (SECURITY_DIRECTIVES.has(node.name.value)) return null;
      if (node.name.value === 'link') {
        const url = node.arguments?.find((a) => a.name.value === 'url')?.value;
        if (url?.kind === Kind.STRING && SECURITY_SPECS.test(url.value)) return null;
      }
      return undefined;
    },
    DirectiveDefinition(node) {
      return SECURITY_DIRECTIVES.has(node.name.value) ? null : undefined;
    },
    ScalarTypeDefinition(node) {
      return SECURITY_SCALARS.has(node.name.value) ? null : undefined;
    },
  });
  return print(stripped);
}
