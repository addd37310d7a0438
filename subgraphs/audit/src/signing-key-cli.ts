/**
 * pnpm --filter @mission-graph/audit --silent run signing-key — a new audit signing key
 * pair, as environment variables: AUDIT_SIGNING_KEY (private: the audit service only,
 * from a secret store) and AUDIT_VERIFY_KEYS (public: auditors, `pnpm audit:verify`).
 */
import { newSigningKey } from './checkpoints/signing-key.js';

const { privateJwk, key } = newSigningKey();
console.log(`AUDIT_SIGNING_KEY='${JSON.stringify(privateJwk)}'`);
console.log(`AUDIT_VERIFY_KEYS='${JSON.stringify([key.verifyKey.publicJwk])}'`);
