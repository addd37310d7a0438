/**
 * pnpm --silent run token --scopes "<space-separated scopes>" [--sub <id>] [--ttl <seconds>] [--purpose "<text>"]
 *
 * Prints one development JWT and nothing else, signed with the local development key
 * under .data/keys/ that the gateway trusts when no AUTH_JWKS_URL is configured.
 */
import { SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_CALLER_KEY_NAME, DEV_ISSUER } from '@mission-graph/gateway/config';
import { ALL_SCOPES, DEFAULT_DATA_DIR, devKeyPair, runCli, UsageError, wholeNumberOption } from '@mission-graph/service-kit';

const USAGE = `
Usage: pnpm --silent run token --scopes "<scope> [<scope> …]" [options]

Prints one development JWT (signed with .data/keys/dev-caller.jwk.json, which the gateway
trusts when AUTH_JWKS_URL is not set) and nothing else.

Options:
  --scopes "<…>"    space-separated scopes, at least one (required); known scopes:
                    ${ALL_SCOPES.join('\n                    ')}
  --sub <id>        the token's subject, the principal id (default dev-analyst)
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
      sub: { type: 'string', default: 'dev-analyst' },
      ttl: { type: 'string', default: '3600' },
      purpose: { type: 'string' },
    },
  },
  async (values) => {
    const scopes = (values.scopes ?? '').split(/\s+/).filter(Boolean);
    if (scopes.length === 0) throw new UsageError('give at least one scope with --scopes "…": a token without a scope opens nothing');
    const unknown = scopes.filter((scope) => !(ALL_SCOPES as string[]).includes(scope));
    if (unknown.length > 0) throw new UsageError(`unknown scope(s): ${unknown.join(', ')}`);
    if (!/^\S{1,200}$/.test(values.sub)) throw new UsageError('--sub must be 1 to 200 characters without spaces');
    const ttl = wholeNumberOption(values.ttl, 'ttl', 1, 86_400);
    const key = await devKeyPair(process.env.DATA_DIR ?? DEFAULT_DATA_DIR, DEV_CALLER_KEY_NAME);
    const token = await new SignJWT({ scope: scopes.join(' '), ...(values.purpose ? { purpose: values.purpose } : {}) })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject(values.sub)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(key.privateKey);
    process.stdout.write(`${token}\n`);
  },
);
