/**
 * pnpm --silent run token --scopes "<space-separated scopes>" [--sub <id>] [--ttl <seconds>] [--purpose "<text>"] [--client <id>]
 *
 * Prints one development JWT and nothing else, signed with the local development key
 * under .data/keys/ that the gateway trusts when no AUTH_JWKS_URL is configured.
 * `--client` makes a machine client's client-credentials token: `client_id` (and, unless
 * `--sub` says otherwise, `sub`) set to a client of the client registry
 * (config/clients.json, or CLIENTS_PATH) — checked here, since the gateway refuses a
 * client it does not know.
 */
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_CALLER_KEY_NAME, DEV_ISSUER } from '@mission-graph/gateway/config';
import { loadClientRegistry } from '@mission-graph/gateway/front-doors';
import { ALL_SCOPES, DEFAULT_DATA_DIR, devKeyPair, runCli, UsageError, wholeNumberOption } from '@mission-graph/service-kit';

const USAGE = `
Usage: pnpm --silent run token --scopes "<scope> [<scope> …]" [options]

Prints one development JWT (signed with .data/keys/dev-caller.jwk.json, which the gateway
trusts when AUTH_JWKS_URL is not set) and nothing else.

Options:
  --scopes "<…>"    space-separated scopes, at least one (required); known scopes:
                    ${ALL_SCOPES.join('\n                    ')}
  --sub <id>        the token's subject, the principal id (default dev-analyst, or the
                    client's id with --client)
  --client <id>     a machine client's token: client_id set to a client registered in
                    config/clients.json (or the file CLIENTS_PATH names)
  --ttl <seconds>   lifetime, 1 to 86400 (default 3600)
  --purpose <text>  recorded in the token as why it was issued (personal data still
                    needs the X-Access-Purpose header on every request)
  -h, --help        this text
`;

await runCli(
  {
    usage: USAGE,
    options: {
      scopes: { type: 'string' },
      sub: { type: 'string' },
      client: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      purpose: { type: 'string' },
    },
  },
  async (values) => {
    const scopes = (values.scopes ?? '').split(/\s+/).filter(Boolean);
    if (scopes.length === 0) throw new UsageError('give at least one scope with --scopes "…": a token without a scope opens nothing');
    const unknown = scopes.filter((scope) => !(ALL_SCOPES as string[]).includes(scope));
    if (unknown.length > 0) throw new UsageError(`unknown scope(s): ${unknown.join(', ')}`);
    if (values.client !== undefined) checkClient(values.client);
    const subject = values.sub ?? values.client ?? 'dev-analyst';
    if (!/^\S{1,200}$/.test(subject)) throw new UsageError('--sub must be 1 to 200 characters without spaces');
    const ttl = wholeNumberOption(values.ttl, 'ttl', 1, 86_400);
    const key = await devKeyPair(process.env.DATA_DIR ?? DEFAULT_DATA_DIR, DEV_CALLER_KEY_NAME);
    const token = await new SignJWT({
      scope: scopes.join(' '),
      ...(values.purpose ? { purpose: values.purpose } : {}),
      ...(values.client ? { client_id: values.client } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(key.privateKey);
    process.stdout.write(`${token}\n`);
  },
);

/** A token for a client the gateway does not know would only be refused (403): say so now. */
function checkClient(id: string): void {
  const registryPath = process.env.CLIENTS_PATH ?? fileURLToPath(new URL('../config/clients.json', import.meta.url));
  const registry = loadClientRegistry(registryPath);
  if (!registry.get(id)) {
    throw new UsageError(`--client: "${id}" is not registered in ${registryPath} (registered: ${registry.all().map((client) => client.id).join(', ')})`);
  }
}
