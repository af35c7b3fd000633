-- +goose Up
-- A live account's funding is the venue's: each payment is booked once, by
-- the venue's id of it (e.g. "lighter:<funding_id>"), which a restart reads
-- back to know what is already booked.
ALTER TABLE "LedgerEntries" ADD COLUMN "venueRef" text;
CREATE UNIQUE INDEX "LedgerEntries_modelId_venueRef_key" ON "LedgerEntries" ("modelId", "venueRef") WHERE "venueRef" IS NOT NULL;

-- +goose Down
DROP INDEX "LedgerEntries_modelId_venueRef_key";
ALTER TABLE "LedgerEntries" DROP COLUMN "venueRef";
