-- +goose Up
-- Seasons imported from bundles (worker season import): what seasons.list and
-- seasons.get serve. The bundle stays the source of truth; this is its
-- manifest, configuration and leaderboard, with whether a replay reproduced
-- its result hash.
CREATE TABLE "Seasons" (
    "id"               text PRIMARY KEY,
    "parentId"         text,
    "parentResultHash" text,
    "swap"             text NOT NULL DEFAULT '',
    "start"            timestamptz NOT NULL,
    "end"              timestamptz NOT NULL,
    "entrants"         integer NOT NULL,
    "resultHash"       text NOT NULL,
    "bundleSha256"     text NOT NULL,
    "bundleBytes"      bigint NOT NULL,
    "manifest"         jsonb NOT NULL,
    "config"           jsonb NOT NULL,
    "leaderboard"      jsonb NOT NULL,
    "verified"         boolean NOT NULL DEFAULT false,
    "verifyError"      text NOT NULL DEFAULT '',
    "verifiedAt"       timestamptz,
    "importedAt"       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "Seasons_parentId_idx" ON "Seasons" ("parentId");

-- +goose Down
DROP TABLE "Seasons";
