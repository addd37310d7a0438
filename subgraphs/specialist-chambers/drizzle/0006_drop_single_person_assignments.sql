-- The one-person assignments were carried over as proposals (migration
-- protection_officer_four_eyes); the table and its triggers go.
DROP TABLE "specialist_chambers"."witness_protection_officers" CASCADE;