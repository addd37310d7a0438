CREATE TYPE "forensics"."morgue_next_action" AS ENUM('NEW_DNA_SAMPLES', 'ANTHROPOLOGICAL_REEXAMINATION', 'ANTE_MORTEM_COMPARISON', 'REASSOCIATION', 'NO_FURTHER_ACTION');--> statement-breakpoint
CREATE TABLE "forensics"."morgue_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"remains_id" uuid NOT NULL,
	"reviewed_on" date NOT NULL,
	"findings" text NOT NULL,
	"next_action" "forensics"."morgue_next_action" NOT NULL,
	CONSTRAINT "morgue_reviews_within_mandate" CHECK ("forensics"."morgue_reviews"."reviewed_on" >= date '2008-12-09'),
	CONSTRAINT "morgue_reviews_findings_given" CHECK (btrim("forensics"."morgue_reviews"."findings") <> '')
);
--> statement-breakpoint
ALTER TABLE "forensics"."identifications" ADD COLUMN "family_notified_on" date;--> statement-breakpoint
ALTER TABLE "forensics"."missing_persons" ADD COLUMN "family_contact" text;--> statement-breakpoint
ALTER TABLE "forensics"."morgue_reviews" ADD CONSTRAINT "morgue_reviews_remains_id_mortal_remains_id_fk" FOREIGN KEY ("remains_id") REFERENCES "forensics"."mortal_remains"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "morgue_reviews_by_remains" ON "forensics"."morgue_reviews" USING btree ("remains_id","reviewed_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "forensics"."field_operations" ADD CONSTRAINT "field_operations_reference_format" CHECK ("forensics"."field_operations"."reference" ~ '^FO-[0-9]{4}-[0-9]{4,}$');--> statement-breakpoint
ALTER TABLE "forensics"."field_operations" ADD CONSTRAINT "field_operations_reference_year" CHECK (substr("forensics"."field_operations"."reference", 4, 4) = extract(year from "forensics"."field_operations"."started_on")::int::text);--> statement-breakpoint
ALTER TABLE "forensics"."field_operations" ADD CONSTRAINT "field_operations_partners_named" CHECK ('' <> all("forensics"."field_operations"."partner_institutions"));--> statement-breakpoint
ALTER TABLE "forensics"."grave_sites" ADD CONSTRAINT "grave_sites_site_code_format" CHECK ("forensics"."grave_sites"."site_code" ~ '^GS-[0-9]{4,}$');--> statement-breakpoint
ALTER TABLE "forensics"."grave_sites" ADD CONSTRAINT "grave_sites_municipality_known" CHECK ("forensics"."grave_sites"."municipality" in ('Prishtinë/Priština', 'Prizren', 'Pejë/Peć', 'Gjakovë/Đakovica', 'Mitrovicë/Mitrovica', 'Ferizaj/Uroševac', 'Gjilan/Gnjilane', 'Podujevë/Podujevo', 'Vushtrri/Vučitrn', 'Suharekë/Suva Reka', 'Rahovec/Orahovac', 'Drenas/Glogovac', 'Lipjan/Lipljan', 'Malishevë/Mališevo', 'Kamenicë/Kamenica', 'Deçan/Dečani', 'Istog/Istok', 'Klinë/Klina', 'Skenderaj/Srbica', 'Dragash/Dragaš', 'Kaçanik/Kačanik', 'Shtime/Štimlje', 'Fushë Kosovë/Kosovo Polje', 'Obiliq/Obilić', 'Viti/Vitina', 'Zubin Potok', 'Zveçan/Zvečan', 'Leposaviq/Leposavić'));--> statement-breakpoint
ALTER TABLE "forensics"."identifications" ADD CONSTRAINT "identifications_family_notified_after_identification" CHECK ("forensics"."identifications"."family_notified_on" >= "forensics"."identifications"."identified_on");--> statement-breakpoint
ALTER TABLE "forensics"."missing_persons" ADD CONSTRAINT "missing_persons_case_number_year" CHECK (substr("forensics"."missing_persons"."case_number", 4, 4) = extract(year from "forensics"."missing_persons"."disappearance_date")::int::text);--> statement-breakpoint
ALTER TABLE "forensics"."missing_persons" ADD CONSTRAINT "missing_persons_municipality_known" CHECK ("forensics"."missing_persons"."municipality" in ('Prishtinë/Priština', 'Prizren', 'Pejë/Peć', 'Gjakovë/Đakovica', 'Mitrovicë/Mitrovica', 'Ferizaj/Uroševac', 'Gjilan/Gnjilane', 'Podujevë/Podujevo', 'Vushtrri/Vučitrn', 'Suharekë/Suva Reka', 'Rahovec/Orahovac', 'Drenas/Glogovac', 'Lipjan/Lipljan', 'Malishevë/Mališevo', 'Kamenicë/Kamenica', 'Deçan/Dečani', 'Istog/Istok', 'Klinë/Klina', 'Skenderaj/Srbica', 'Dragash/Dragaš', 'Kaçanik/Kačanik', 'Shtime/Štimlje', 'Fushë Kosovë/Kosovo Polje', 'Obiliq/Obilić', 'Viti/Vitina', 'Zubin Potok', 'Zveçan/Zvečan', 'Leposaviq/Leposavić'));--> statement-breakpoint
ALTER TABLE "forensics"."missing_persons" ADD CONSTRAINT "missing_persons_name_given" CHECK (btrim("forensics"."missing_persons"."full_name") <> '');--> statement-breakpoint
ALTER TABLE "forensics"."mortal_remains" ADD CONSTRAINT "mortal_remains_reference_format" CHECK ("forensics"."mortal_remains"."reference" ~ '^MR-[0-9]{5,}$');