#!/bin/bash
# First start of the compose PostgreSQL: two databases, each owned by its own role.
#   mission — the four pillar subgraphs (one Postgres schema each), role mission_app
#   audit   — the audit trail, role audit_app: its own backups, retention and rights
set -euo pipefail
mission_password=$(cat "$MISSION_APP_PASSWORD_FILE")
audit_password=$(cat "$AUDIT_APP_PASSWORD_FILE")
psql -v ON_ERROR_STOP=1 --username postgres \
  -v mission_password="$mission_password" -v audit_password="$audit_password" <<'SQL'
CREATE ROLE mission_app LOGIN PASSWORD :'mission_password';
CREATE ROLE audit_app LOGIN PASSWORD :'audit_password';
CREATE DATABASE mission OWNER mission_app;
CREATE DATABASE audit OWNER audit_app;
REVOKE ALL ON DATABASE mission FROM PUBLIC;
REVOKE ALL ON DATABASE audit FROM PUBLIC;
SQL
