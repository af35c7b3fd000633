-- +goose Up
-- The reference system's tables, with its quoted identifiers and enums, plus
-- the columns it lacked. Money and quantities are numeric; ledger columns keep
-- 8 fractional digits so balances reconcile exactly.

CREATE TYPE "Variant" AS ENUM ('Guardian', 'Apex', 'Gladiator', 'Sniper', 'Trendsurfer', 'Contrarian', 'Sovereign');
CREATE TYPE "ToolCallType" AS ENUM ('CREATE_POSITION', 'CLOSE_POSITION', 'HOLDING', 'UPDATE_EXIT_PLAN');
CREATE TYPE "OrderStatus" AS ENUM ('OPEN', 'CLOSED');
CREATE TYPE "OrderSide" AS ENUM ('LONG', 'SHORT');

CREATE TABLE "Models" (
    "id"                  text PRIMARY KEY,
    "name"                text NOT NULL,
    "openRouterModelName" text NOT NULL,
    "variant"             "Variant" NOT NULL DEFAULT 'Guardian',
    "provider"            text NOT NULL DEFAULT 'nim',
    "kind"                text NOT NULL DEFAULT 'llm' CHECK ("kind" IN ('llm', 'baseline')),
    "active"              boolean NOT NULL DEFAULT true,
    "accountIndex"        text NOT NULL DEFAULT '0',
    "invocationCount"     integer NOT NULL DEFAULT 0,
    "totalMinutes"        integer NOT NULL DEFAULT 0,
    "failedWorkflowCount" integer NOT NULL DEFAULT 0,
    "failedToolCallCount" integer NOT NULL DEFAULT 0,
    "createdAt"           timestamptz NOT NULL DEFAULT now(),
    "updatedAt"           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "Models_name_idx" ON "Models" ("name");
CREATE UNIQUE INDEX "Models_name_variant_key" ON "Models" ("name", "variant");

CREATE TABLE "Invocations" (
    "id"              text PRIMARY KEY,
    "modelId"         text NOT NULL REFERENCES "Models" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "response"        text NOT NULL DEFAULT '',
    "responsePayload" jsonb,
    -- Beyond the reference: a structured outcome instead of substring guesses.
    "status"          text NOT NULL DEFAULT 'running' CHECK ("status" IN ('running', 'success', 'failed')),
    "failureReason"   text CHECK ("failureReason" IN ('timeout', 'provider_error', 'parse_error', 'invalid_arguments', 'risk_rejected', 'execution_error')),
    "cycleSlot"       text,
    "latencyMs"       integer NOT NULL DEFAULT 0,
    "inputTokens"     integer NOT NULL DEFAULT 0,
    "outputTokens"    integer NOT NULL DEFAULT 0,
    "costUsd"         numeric(18, 8) NOT NULL DEFAULT 0,
    "createdAt"       timestamptz NOT NULL DEFAULT now(),
    "updatedAt"       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "Invocations_modelId_idx" ON "Invocations" ("modelId");
CREATE INDEX "Invocations_createdAt_idx" ON "Invocations" ("createdAt" DESC);
CREATE INDEX "Invocations_failed_idx" ON "Invocations" ("createdAt" DESC) WHERE "status" = 'failed';
-- One decision per model per schedule slot: a duplicate task cannot record twice.
CREATE UNIQUE INDEX "Invocations_modelId_cycleSlot_key" ON "Invocations" ("modelId", "cycleSlot") WHERE "cycleSlot" IS NOT NULL;

CREATE TABLE "ToolCalls" (
    "id"           text PRIMARY KEY,
    "invocationId" text NOT NULL REFERENCES "Invocations" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "toolCallType" "ToolCallType" NOT NULL,
    "metadata"     text NOT NULL DEFAULT '{}',
    "success"      boolean NOT NULL DEFAULT true,
    "createdAt"    timestamptz NOT NULL DEFAULT now(),
    "updatedAt"    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "ToolCalls_invocationId_idx" ON "ToolCalls" ("invocationId");

CREATE TABLE "PortfolioSize" (
    "id"           text PRIMARY KEY,
    "modelId"      text NOT NULL REFERENCES "Models" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "netPortfolio" numeric(18, 2) NOT NULL,
    -- raw snapshots are rolled up into hourly, then daily rows by retention.
    "resolution"   text NOT NULL DEFAULT 'raw' CHECK ("resolution" IN ('raw', 'hour', 'day')),
    "createdAt"    timestamptz NOT NULL DEFAULT now(),
    "updatedAt"    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "PortfolioSize_modelId_idx" ON "PortfolioSize" ("modelId");
CREATE INDEX "PortfolioSize_modelId_createdAt_idx" ON "PortfolioSize" ("modelId", "createdAt");
CREATE INDEX "PortfolioSize_createdAt_idx" ON "PortfolioSize" ("createdAt");

-- OPEN row = position, CLOSED row = trade. Netting per (model, symbol) is
-- enforced: at most one OPEN row per model and symbol.
CREATE TABLE "Orders" (
    "id"             text PRIMARY KEY,
    "modelId"        text NOT NULL REFERENCES "Models" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "symbol"         text NOT NULL,
    "side"           "OrderSide" NOT NULL,
    "quantity"       numeric(24, 8) NOT NULL CHECK ("quantity" >= 0),
    "leverage"       numeric(10, 2),
    "entryPrice"     numeric(24, 8) NOT NULL,
    "exitPlan"       jsonb,
    "status"         "OrderStatus" NOT NULL DEFAULT 'OPEN',
    "exitPrice"      numeric(24, 8),
    "realizedPnl"    numeric(24, 8),
    "fees"           numeric(24, 8) NOT NULL DEFAULT 0,
    "fundingPnl"     numeric(24, 8) NOT NULL DEFAULT 0,
    "margin"         numeric(24, 8),
    "closeTrigger"   text CHECK ("closeTrigger" IN ('STOP', 'TARGET', 'INVALIDATION', 'TIME', 'LIQUIDATION', 'MANUAL', 'RESET')),
    "slOrderIndex"   text,
    "tpOrderIndex"   text,
    "slTriggerPrice" numeric(24, 8),
    "tpTriggerPrice" numeric(24, 8),
    "openedAt"       timestamptz NOT NULL DEFAULT now(),
    "closedAt"       timestamptz,
    "updatedAt"      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "Orders_modelId_idx" ON "Orders" ("modelId");
CREATE INDEX "Orders_status_idx" ON "Orders" ("status");
CREATE INDEX "Orders_modelId_status_idx" ON "Orders" ("modelId", "status");
CREATE INDEX "Orders_symbol_idx" ON "Orders" ("symbol");
CREATE INDEX "Orders_closedAt_idx" ON "Orders" ("closedAt" DESC) WHERE "status" = 'CLOSED';
CREATE UNIQUE INDEX "Orders_one_open_per_symbol" ON "Orders" ("modelId", "symbol") WHERE "status" = 'OPEN';

-- +goose Down
-- Forward-only: migrations are never rolled back in production.
SELECT 1;
