-- +goose Up
-- Each stored season's closed trades (arena.Position.ClosedTrade: closed,
-- and not by an account reset), so a season's leaderboard and statistics
-- count trades as the live arena does, not fills.
CREATE TABLE "SeasonTrades" (
    "seasonId"       text NOT NULL REFERENCES "Seasons" ("id") ON DELETE CASCADE,
    "entrantId"      text NOT NULL,
    "positionId"     text NOT NULL,
    "symbol"         text NOT NULL,
    "side"           text NOT NULL CHECK ("side" IN ('LONG', 'SHORT')),
    "quantity"       numeric NOT NULL,  -- the quantity closed over the trade's life
    "entryPrice"     numeric NOT NULL,
    "exitPrice"      numeric NOT NULL,
    "leverage"       numeric NOT NULL,
    "confidence"     double precision,  -- the agent's own estimate in [0, 1], when it gave one
    "realizedPnl"    numeric NOT NULL,  -- gross
    "fees"           numeric NOT NULL,
    "funding"        numeric NOT NULL,  -- received (+) or paid (−)
    "closeTrigger"   text NOT NULL,
    "openedAt"       timestamptz NOT NULL,
    "closedAt"       timestamptz NOT NULL,
    PRIMARY KEY ("seasonId", "entrantId", "positionId")
);

-- +goose Down
DROP TABLE "SeasonTrades";
