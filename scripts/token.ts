/**
 * pnpm --silent token --scopes "<space-separated scopes>" [--sub <id>] [--ttl <seconds>] [--purpose "<text>"] [--client <id>]
 *
 * Prints one development JWT and nothing else, signed with the local development key
 * under .data/keys/ that the gateway trusts when no AUTH_JWKS_URL is configured.
 * `--purpose` is recorded in the token as the reason it was issued; personal data
 * still needs the X-Access-Purpose header on each request. `--client` makes a machine
 * client's client-credentials token: `client_id` (and, unless `--sub` says otherwise,
 * `sub`) set to a client of config/clients.json.
 */
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_CALLER_KEY_NAME, DEV_ISSUER } from '@mission-graph/gateway/config';
import { ALL_SCOPES, DEFAULT_DATA_DIR, devKeyPair } from '@mission-graph/service-kit';

const { values } = parseArgs({
  options: {
    scopes: { type: 'string', default: '' },
    sub: { type: 'string' },
    client: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
    purpose: { type: 'string' },
  },
});

const scopes = values.scopes.split(/\s+/).filter(Boolean);
const unknown = scopes.filter((scope) => !(ALL_SCOPES as string[]).includes(scope));
if (unknown.length > 0) {
  console.error(`Unknown scope(s): ${unknown.join(', ')}. Known: ${ALL_SCOPES.join(' ')}`);
  process.exit(1);
}
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) {
  console.error(`--ttl must be a positive number of seconds; got ${values.ttl}`);
  process.exit(1);
}

const key = await devKeyPair(process.env.DATA_DIR ?? DEFAULT_DATA_DIR, DEV_CALLER_KEY_NAME);
const token = await new SignJWT({
  scope: scopes.join(' '),
  ...(values.purpose ? { purpose: values.purpose } : {}),
  ...(values.client ? { client_id: values.client } : {}),
})
  .setProtectedHeader({ alg: 'ES256', kid: key.kid })
  .setIssuer(DEV_ISSUER)
  .setAudience(DEV_AUDIENCE)
  .setSubject(values.sub ?? values.client ?? 'dev-analyst')
  .setIssuedAt()
  .setExpirationTime(`${ttl}s`)
  .sign(key.privateKey);
process.stdout.write(`${token}\n`);
