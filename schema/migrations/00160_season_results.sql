-- +goose Up
-- A season's results for the API and dashboard, beside its "Seasons" row
-- (migration 00150): a display name, the methodology card, where the season
-- came from, and its leaderboard, equity curves and decisions in
-- season-scoped tables, so analytics with a seasonId never reads a bundle.
ALTER TABLE "Seasons"
    ADD COLUMN "name"        text NOT NULL DEFAULT '',
    ADD COLUMN "methodology" jsonb NOT NULL DEFAULT '{}',
    -- bundle: imported with worker season import; live: written by the live
    -- worker for its configured period (SEASON_*), not replayed.
    ADD COLUMN "source"      text NOT NULL DEFAULT 'bundle' CHECK ("source" IN ('bundle', 'live'));

-- The season's leaderboard, one row per entrant.
CREATE TABLE "SeasonEntrants" (
    "seasonId"    text NOT NULL REFERENCES "Seasons" ("id") ON DELETE CASCADE,
    "entrantId"   text NOT NULL,            -- name/variant
    "position"    integer NOT NULL,         -- roster order
    "rank"        integer NOT NULL,
    "name"        text NOT NULL,
    "variant"     text NOT NULL,
    "kind"        text NOT NULL,
    "model"       text NOT NULL,            -- provider model id as called
    "provider"    text NOT NULL,
    "capital"     numeric NOT NULL,
    "equity"      numeric NOT NULL,
    "returnPct"   numeric NOT NULL,
    "realizedPnl" numeric NOT NULL,
    "fees"        numeric NOT NULL,
    "funding"     numeric NOT NULL,
    "fills"       integer NOT NULL,
    "decisions"   integer NOT NULL,
    "failed"      integer NOT NULL,
    "skipped"     integer NOT NULL,
    PRIMARY KEY ("seasonId", "entrantId")
);

-- Each entrant's equity at every 5-minute boundary of the season.
CREATE TABLE "SeasonEquity" (
    "seasonId"  text NOT NULL REFERENCES "Seasons" ("id") ON DELETE CASCADE,
    "entrantId" text NOT NULL,
    "at"        timestamptz NOT NULL,
    "equity"    numeric NOT NULL,
    PRIMARY KEY ("seasonId", "entrantId", "at")
);

-- Each decision (model turn), summarised: the tool calls as made (bounded
-- excerpts), the reply, the failure, tokens and cost, and a digest of the
-- calls, so an A/B pair can list the slots where it decided differently.
CREATE TABLE "SeasonDecisions" (
    "seasonId"     text NOT NULL REFERENCES "Seasons" ("id") ON DELETE CASCADE,
    "entrantId"    text NOT NULL,
    "slot"         timestamptz NOT NULL,
    "actions"      jsonb NOT NULL,           -- [{name, arguments, output, failed}]
    "digest"       text NOT NULL,
    "response"     text NOT NULL,
    "failure"      text NOT NULL DEFAULT '',
    "inputTokens"  bigint NOT NULL,
    "outputTokens" bigint NOT NULL,
    "costUsd"      numeric NOT NULL,
    "latencyMs"    bigint NOT NULL,
    PRIMARY KEY ("seasonId", "entrantId", "slot")
);

-- +goose Down
DROP TABLE "SeasonDecisions";
DROP TABLE "SeasonEquity";
DROP TABLE "SeasonEntrants";
ALTER TABLE "Seasons" DROP COLUMN "name", DROP COLUMN "methodology", DROP COLUMN "source";
