-- +goose Up
-- What the agent loop and the job scheduler need.

-- A tool call naming a tool that does not exist is recorded as what it is.
ALTER TYPE "ToolCallType" ADD VALUE IF NOT EXISTS 'UNKNOWN';

-- At most one decision per model runs at any time, across processes: a
-- second one cannot insert its 'running' row. A row left 'running' by a
-- worker that died is failed by the next decision of the model once it is
-- older than the decision timeout. Rows from before this rule are settled
-- first so the index can be built.
UPDATE "Invocations" SET "status" = 'failed', "failureReason" = 'timeout', "updatedAt" = now()
WHERE "status" = 'running' AND "id" NOT IN (
    SELECT DISTINCT ON ("modelId") "id" FROM "Invocations" WHERE "status" = 'running' ORDER BY "modelId", "createdAt" DESC);
CREATE UNIQUE INDEX "Invocations_one_running_per_model" ON "Invocations" ("modelId") WHERE "status" = 'running';

-- Retention rolls raw equity snapshots into hourly, then daily rows. A
-- rolled-up row is the mean of the raw snapshots it replaces; "samples"
-- counts them, so rolling hours into days (or merging a late row) weights
-- each hour by its snapshots and the day keeps the mean of its raw values.
ALTER TABLE "PortfolioSize" ADD COLUMN "samples" integer NOT NULL DEFAULT 1 CHECK ("samples" >= 1);
CREATE UNIQUE INDEX "PortfolioSize_rollup_key" ON "PortfolioSize" ("modelId", "resolution", "createdAt") WHERE "resolution" <> 'raw';
CREATE INDEX "PortfolioSize_resolution_createdAt_idx" ON "PortfolioSize" ("resolution", "createdAt");

-- The createPosition calls that set a cooldown, which the next decisions of
-- their model must respect: few, so a cycle reads them without scanning
-- every recent tool call.
CREATE INDEX "ToolCalls_cooldowns_idx" ON "ToolCalls" ("createdAt")
    WHERE "toolCallType" = 'CREATE_POSITION' AND "metadata" LIKE '%"cooldownUntil"%';

-- The fills of one order, for the realized PnL and fills a caller is shown.
CREATE INDEX "LedgerEntries_modelId_orderId_idx" ON "LedgerEntries" ("modelId", "orderId") WHERE "orderId" IS NOT NULL;

-- One row per decision cycle (schedule slot) and per model of it: the
-- decisions run as independent jobs, and the last one to finish closes the
-- cycle and reports it.
CREATE TABLE "TradeCycles" (
    "slot"       timestamptz PRIMARY KEY, -- start of the schedule slot
    "startedAt"  timestamptz NOT NULL DEFAULT now(),
    "finishedAt" timestamptz,
    "models"     integer NOT NULL DEFAULT 0,
    "succeeded"  integer NOT NULL DEFAULT 0,
    "failed"     integer NOT NULL DEFAULT 0,
    "skipped"    integer NOT NULL DEFAULT 0
);
CREATE INDEX "TradeCycles_open_idx" ON "TradeCycles" ("slot") WHERE "finishedAt" IS NULL;

CREATE TABLE "TradeCycleModels" (
    "slot"       timestamptz NOT NULL REFERENCES "TradeCycles" ("slot") ON DELETE CASCADE,
    "modelId"    text NOT NULL REFERENCES "Models" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "outcome"    text CHECK ("outcome" IN ('success', 'failed', 'skipped')), -- null while pending
    "detail"     text,
    "finishedAt" timestamptz,
    PRIMARY KEY ("slot", "modelId")
);

-- +goose Down
SELECT 1;
