-- +goose Up
-- What the reference lacked: a ledger from which every account's cash,
-- realized PnL, fees and funding can be rebuilt after a restart.

-- One row per account (= per model): the running totals, updated in the same
-- transaction as the entries that change them.
CREATE TABLE "Accounts" (
    "modelId"            text PRIMARY KEY REFERENCES "Models" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "initialCapital"     numeric(24, 8) NOT NULL,
    "cash"               numeric(24, 8) NOT NULL,
    "realizedPnl"        numeric(24, 8) NOT NULL DEFAULT 0,
    "feesPaid"           numeric(24, 8) NOT NULL DEFAULT 0,
    "fundingPnl"         numeric(24, 8) NOT NULL DEFAULT 0,
    "insuranceCredit"    numeric(24, 8) NOT NULL DEFAULT 0,
    "epoch"              integer NOT NULL DEFAULT 0, -- incremented by a reset
    "updatedAt"          timestamptz NOT NULL DEFAULT now(),
    -- The ledger identity, checked by the database on every write.
    CONSTRAINT "Accounts_balance_check"
        CHECK ("cash" = "initialCapital" + "realizedPnl" - "feesPaid" + "fundingPnl" + "insuranceCredit")
);

CREATE TYPE "LedgerKind" AS ENUM ('FILL', 'FEE', 'FUNDING', 'LIQUIDATION_FEE', 'INSURANCE', 'RESET');

-- Append-only journal: every cash movement, with the order or position it
-- belongs to. Σ amount per account and epoch = cash − initialCapital.
CREATE TABLE "LedgerEntries" (
    "id"            bigserial PRIMARY KEY,
    "modelId"       text NOT NULL REFERENCES "Models" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "epoch"         integer NOT NULL DEFAULT 0,
    "kind"          "LedgerKind" NOT NULL,
    "symbol"        text,
    "orderId"       text,  -- the simulator order (client order id) that caused it
    "positionId"    text,  -- the "Orders" row it belongs to
    "quantity"      numeric(24, 8),
    "price"         numeric(24, 8),
    "amount"        numeric(24, 8) NOT NULL, -- signed cash delta (realized PnL, −fee, ±funding)
    "createdAt"     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "LedgerEntries_modelId_idx" ON "LedgerEntries" ("modelId", "id");

-- Orders sent to the simulator, keyed by the caller's id so a command retried
-- after a crash is executed once. Resting limit orders live here too.
CREATE TABLE "SimOrders" (
    "id"            text PRIMARY KEY, -- client order id
    "modelId"       text NOT NULL REFERENCES "Models" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "symbol"        text NOT NULL,
    "side"          "OrderSide" NOT NULL,
    "type"          text NOT NULL CHECK ("type" IN ('MARKET', 'LIMIT')),
    "timeInForce"   text NOT NULL DEFAULT 'GTC' CHECK ("timeInForce" IN ('GTC', 'IOC', 'POST_ONLY')),
    "reduceOnly"    boolean NOT NULL DEFAULT false,
    "quantity"      numeric(24, 8) NOT NULL,
    "limitPrice"    numeric(24, 8),
    "leverage"      numeric(10, 2),
    "filledQty"     numeric(24, 8) NOT NULL DEFAULT 0,
    "status"        text NOT NULL CHECK ("status" IN ('PENDING', 'RESTING', 'FILLED', 'PARTIAL', 'CANCELLED', 'REJECTED')),
    "reason"        text,
    "result"        jsonb,
    "createdAt"     timestamptz NOT NULL DEFAULT now(),
    "updatedAt"     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX "SimOrders_resting_idx" ON "SimOrders" ("modelId") WHERE "status" IN ('PENDING', 'RESTING');

-- Exchange credentials for live mode, kept out of "Models" so no read path
-- can select them. Values are sealed by the worker (AES-GCM with a key from
-- the environment); the database never sees clear text.
CREATE TABLE "ModelCredentials" (
    "modelId"       text PRIMARY KEY REFERENCES "Models" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "sealedApiKey"  bytea NOT NULL,
    "updatedAt"     timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
SELECT 1;
