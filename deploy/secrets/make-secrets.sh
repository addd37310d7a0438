#!/bin/bash
# Creates the secret files docker-compose.yml mounts under /run/secrets (once; never
# committed): database passwords and URLs, the gateway → subgraph token key pair, and
# the audit signing key pair. Existing files are kept: run it again after adding a secret.
#   audit_signing_key  — the audit service only (signs checkpoints; never in the database)
#   audit_verify_keys  — auditors (`docker compose run --rm audit-verify`); keep a copy
#                        with them, away from this host (docs/audit.md, "Keys")
#   witness_data_key, witness_assignment_key — specialist-chambers only (32 random bytes,
#                        base64): identities encrypted, assignment steps MACed; losing the
#                        data key loses every identity, so back it up apart from the database
set -euo pipefail
cd "$(dirname "$0")"
umask 077
random() { node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("base64url"))'; }
for password in postgres_password mission_app_password audit_owner_password audit_app_password audit_auditor_password; do
  [ -f "$password" ] || random > "$password"
done
url() { printf 'postgres://%s:%s@postgres:5432/%s' "$1" "$(cat "$2")" "$3"; }
url mission_app mission_app_password mission > mission_database_url
# The audit service runs as audit_app and migrates as audit_owner; the auditor only reads.
url audit_app audit_app_password audit > audit_database_url
url audit_owner audit_owner_password audit > audit_migration_database_url
url audit_auditor audit_auditor_password audit > audit_auditor_database_url
# `NAME='value'` lines printed by the repo's key tools → one file per value.
value_of() { sed -n "s/^$1='\(.*\)'$/\1/p"; }
if [ ! -f internal_token_private_key ]; then
  keys=$(cd ../.. && pnpm --silent run internal-key)
  echo "$keys" | value_of INTERNAL_TOKEN_PRIVATE_KEY > internal_token_private_key
  echo "$keys" | value_of INTERNAL_TOKEN_PUBLIC_KEY > internal_token_public_key
fi
if [ ! -f audit_signing_key ]; then
  keys=$(cd ../.. && pnpm --filter @mission-graph/audit --silent run signing-key)
  echo "$keys" | value_of AUDIT_SIGNING_KEY > audit_signing_key
  echo "$keys" | value_of AUDIT_VERIFY_KEYS > audit_verify_keys
fi
for key in witness_data_key witness_assignment_key; do
  [ -f "$key" ] || node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64"))' > "$key"
done
for file in internal_token_private_key internal_token_public_key audit_signing_key audit_verify_keys witness_data_key witness_assignment_key; do
  [ -s "$file" ] || { echo "make-secrets: $file is empty (the key tool printed nothing usable)" >&2; exit 1; }
done
echo "secrets written to $(pwd)"
