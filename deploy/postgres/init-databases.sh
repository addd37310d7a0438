#!/bin/bash
# First start of the compose PostgreSQL: two databases, and the roles that use them.
#   mission — the four pillar subgraphs (one Postgres schema each), role mission_app (its owner)
#   audit   — the audit trail, kept apart (its own backups, retention and rights):
#     audit_owner    owns the database, hence the `audit` schema and the trail's tables:
#                    migrations and grants (the audit service's DATABASE_MIGRATION_URL), nothing else
#     audit_app      the audit service at run time (DATABASE_URL): logs in, owns nothing; after
#                    migrating, the service (as the owner) grants it INSERT and SELECT on the trail
#                    and nothing more, so it cannot edit, delete or truncate events, nor disable
#                    the triggers that refuse it (only an owner or a superuser can)
#     audit_auditor  `audit-verify` (docs/audit.md): may read the trail, nothing else
# Every name can be changed through the variables below (the deployment tests run this
# script against a throwaway PostgreSQL with names of their own). Passwords come from files.
set -euo pipefail
mission_database="${MISSION_DATABASE:-mission}"
mission_role="${MISSION_ROLE:-mission_app}"
audit_database="${AUDIT_DATABASE:-audit}"
audit_owner="${AUDIT_OWNER_ROLE:-audit_owner}"
audit_role="${AUDIT_ROLE:-audit_app}"
auditor_role="${AUDITOR_ROLE:-audit_auditor}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v mission_database="$mission_database" -v mission_role="$mission_role" \
  -v audit_database="$audit_database" -v audit_owner="$audit_owner" \
  -v audit_role="$audit_role" -v auditor_role="$auditor_role" \
  -v mission_password="$(cat "$MISSION_APP_PASSWORD_FILE")" \
  -v audit_owner_password="$(cat "$AUDIT_OWNER_PASSWORD_FILE")" \
  -v audit_password="$(cat "$AUDIT_APP_PASSWORD_FILE")" \
  -v auditor_password="$(cat "$AUDIT_AUDITOR_PASSWORD_FILE")" <<'SQL'
CREATE ROLE :"mission_role" LOGIN PASSWORD :'mission_password';
CREATE ROLE :"audit_owner" LOGIN PASSWORD :'audit_owner_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE :"audit_role" LOGIN PASSWORD :'audit_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE ROLE :"auditor_role" LOGIN PASSWORD :'auditor_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE DATABASE :"mission_database" OWNER :"mission_role";
CREATE DATABASE :"audit_database" OWNER :"audit_owner";
REVOKE ALL ON DATABASE :"mission_database" FROM PUBLIC;
REVOKE ALL ON DATABASE :"audit_database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"audit_database" TO :"audit_role", :"auditor_role";

\connect :"audit_database"
-- The owner alone may create anything in this database.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
-- What the owner creates later (the audit schema and its tables) the auditor may read, only.
-- The runtime role gets its rights from the audit service at every start, after migrating.
ALTER DEFAULT PRIVILEGES FOR ROLE :"audit_owner" GRANT USAGE ON SCHEMAS TO :"auditor_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"audit_owner" GRANT SELECT ON TABLES TO :"auditor_role";
SQL
