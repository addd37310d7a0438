#!/bin/bash
# Creates the secret files docker-compose.yml mounts under /run/secrets (once; never
# committed): database passwords and URLs, and the gateway → subgraph token key pair.
set -euo pipefail
cd "$(dirname "$0")"
umask 077
random() { node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("base64url"))'; }
[ -f postgres_password ] || random > postgres_password
[ -f mission_app_password ] || random > mission_app_password
[ -f audit_app_password ] || random > audit_app_password
printf 'postgres://mission_app:%s@postgres:5432/mission' "$(cat mission_app_password)" > mission_database_url
printf 'postgres://audit_app:%s@postgres:5432/audit' "$(cat audit_app_password)" > audit_database_url
if [ ! -f internal_token_private_key ]; then
  keys=$(cd ../.. && pnpm --silent run internal-key)
  echo "$keys" | sed -n "s/^INTERNAL_TOKEN_PRIVATE_KEY='\(.*\)'$/\1/p" > internal_token_private_key
  echo "$keys" | sed -n "s/^INTERNAL_TOKEN_PUBLIC_KEY='\(.*\)'$/\1/p" > internal_token_public_key
fi
echo "secrets written to $(pwd)"
