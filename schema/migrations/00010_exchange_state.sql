-- +goose Up
-- The exchange's own state, written with every ledger batch so that a
-- restart continues exactly: the last funding rate and mark of each market
-- (an hour that passes while the feed is not back yet is settled at them),
-- the order priority sequence (the slippage generator already has "rng").
ALTER TABLE "SimulatorState" ADD COLUMN "rates" jsonb;
ALTER TABLE "SimulatorState" ADD COLUMN "orderSeq" bigint NOT NULL DEFAULT 0;

-- +goose Down
SELECT 1;
