-- +goose Up
-- What the simulator needs to rebuild itself exactly after a crash.

-- The exchange's full record of each position and order, next to the columns
-- the API queries; restore reads these, so nothing is approximated.
ALTER TABLE "Orders" ADD COLUMN "state" jsonb;
ALTER TABLE "SimOrders" ADD COLUMN "state" jsonb;
-- Client order ids are unique per account, not globally.
ALTER TABLE "SimOrders" DROP CONSTRAINT "SimOrders_pkey";
ALTER TABLE "SimOrders" ADD PRIMARY KEY ("modelId", "id");

-- Ledger entries carry the exchange record they came from; (seq, kind) makes
-- a batch written twice impossible.
ALTER TABLE "LedgerEntries" ADD COLUMN "seq" bigint;
CREATE UNIQUE INDEX "LedgerEntries_seq_kind_key" ON "LedgerEntries" ("seq", "kind") WHERE "seq" IS NOT NULL;

-- One row: the exchange-wide counters. batchSeq advances by exactly one per
-- persisted batch, so a batch is applied once and in order.
CREATE TABLE "SimulatorState" (
    "id"          boolean PRIMARY KEY DEFAULT true CHECK ("id"),
    "batchSeq"    bigint NOT NULL DEFAULT 0,
    "recordSeq"   bigint NOT NULL DEFAULT 0,
    "lastFunding" timestamptz,
    "clock"       timestamptz,
    "rng"         bytea,
    "updatedAt"   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO "SimulatorState" ("id") VALUES (true);

-- +goose Down
SELECT 1;
