-- +goose Up
-- Read models for the API. The API must answer every procedure in a few
-- milliseconds over months of history (a million equity snapshots, a hundred
-- thousand trades), which no query over the raw tables can do. These tables
-- are derived from the raw ones by triggers, in the writer's transaction, so
-- they are always exactly what a full scan would compute:
--
--   "PortfolioBuckets"   equity per model in 5 m, 15 m, 1 h, 4 h and 1 d buckets:
--                        first, last, extremes, mean inputs and the largest
--                        drawdown inside the bucket (see below);
--   "ActivityHourly"     per model and hour: trades closed (counts, PnL, fees,
--                        funding) and decisions finished (failures, tokens, cost);
--   "VariantHourly"      per variant and hour, the sum and count of its LLM
--                        accounts' snapshots, from the hourly buckets;
--   "ActivityDaily"      the same per UTC day, from the hours;
--   "ModelActivityTotals" the all-time sums of "ActivityHourly" per model;
--   "ModelTradeStats"    per model distribution statistics of closed trades
--                        (averages, medians, maxima), which cannot be summed.
--
-- Every refresh recomputes the buckets a change touches from their sources
-- (raw rows, or the next finer buckets), so inserts, late inserts, updates
-- and deletes (retention roll-ups) all leave the same result. Writers of the
-- same model are serialised with a transaction-scoped advisory lock taken
-- before the recompute reads, which under READ COMMITTED makes the recompute
-- see every committed change; the worker must not write these tables'
-- sources under REPEATABLE READ or SERIALIZABLE.
--
-- Derived money is kept as bigint, exactly: equity in cents (the source is
-- numeric(18,2)), everything else in units of 1e-8 (columns suffixed E8,
-- the representation of arena.Fixed), so reads sum integers and need no
-- decimal parsing. Like arena.Fixed, that bounds amounts to ±92 billion.
--
-- Drawdown inside a bucket is max over its points of (peak − v) / peak with
-- the peak running from the bucket's first point. Combining buckets in time
-- order with P = the running maximum of the earlier buckets, the drawdown of
-- the union is max(bucket drawdown, (P − bucket minimum) / P) over the
-- buckets, which is exact for non-negative equity. Readers use the same rule.

-- Indexes for the API's reads.
CREATE INDEX "Invocations_modelId_createdAt_idx" ON "Invocations" ("modelId", "createdAt" DESC);
CREATE INDEX "Orders_modelId_closedAt_idx" ON "Orders" ("modelId", "closedAt" DESC) WHERE "status" = 'CLOSED';
CREATE INDEX "ToolCalls_failed_idx" ON "ToolCalls" ("invocationId") WHERE NOT "success";
CREATE INDEX "ToolCalls_invocationId_createdAt_idx" ON "ToolCalls" ("invocationId", "createdAt");

CREATE TABLE "PortfolioBuckets" (
    "modelId"       text NOT NULL REFERENCES "Models" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "width"         integer NOT NULL CHECK ("width" IN (300, 900, 3600, 14400, 86400)), -- seconds
    "bucketStart"   timestamptz NOT NULL, -- aligned to the Unix epoch
    "points"        integer NOT NULL, -- raw snapshots covered: Σ "samples" (a rolled-up row stands for several)
    "sumCents"      bigint NOT NULL, -- Σ netPortfolio × samples, for means
    "firstAt"       timestamptz NOT NULL,
    "firstCents"    bigint NOT NULL,
    "lastAt"        timestamptz NOT NULL,
    "lastCents"     bigint NOT NULL,
    "lastId"        text NOT NULL,
    "lastUpdatedAt" timestamptz NOT NULL,
    "maxCents"      bigint NOT NULL,
    "minCents"      bigint NOT NULL,
    "maxDrawdown"   double precision NOT NULL, -- fraction, ≥ 0
    PRIMARY KEY ("modelId", "width", "bucketStart")
);
-- Per variant and hour, over the variant's LLM accounts (baselines are no
-- persona): the inputs of the hourly mean equity variants.getVariantHistory
-- shows, kept from the hourly buckets.
CREATE TABLE "VariantHourly" (
    "variant"   "Variant" NOT NULL,
    "hourStart" timestamptz NOT NULL,
    "sumCents"  bigint NOT NULL,
    "points"    bigint NOT NULL,
    PRIMARY KEY ("variant", "hourStart")
);
CREATE INDEX "VariantHourly_hourStart_idx" ON "VariantHourly" ("hourStart");

CREATE TABLE "ActivityHourly" (
    "modelId"               text NOT NULL REFERENCES "Models" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "hourStart"             timestamptz NOT NULL,
    -- trades: CLOSED "Orders" rows by closedAt, except RESET closes (nothing traded)
    "trades"                integer NOT NULL DEFAULT 0,
    "wins"                  integer NOT NULL DEFAULT 0, -- net PnL > 0
    "losses"                integer NOT NULL DEFAULT 0, -- net PnL < 0
    "longs"                 integer NOT NULL DEFAULT 0,
    "netPnlE8"              bigint NOT NULL DEFAULT 0, -- realized − fees + funding
    "grossPnlE8"            bigint NOT NULL DEFAULT 0, -- realized
    "winPnlE8"              bigint NOT NULL DEFAULT 0, -- Σ net PnL of wins
    "lossPnlE8"             bigint NOT NULL DEFAULT 0, -- Σ net PnL of losses (≤ 0)
    "feesE8"                bigint NOT NULL DEFAULT 0,
    "fundingE8"             bigint NOT NULL DEFAULT 0, -- received (+) or paid (−)
    -- decisions: "Invocations" by createdAt, finished ones only
    "invocations"           integer NOT NULL DEFAULT 0,
    "failedInvocations"     integer NOT NULL DEFAULT 0, -- status failed
    "toolFailedInvocations" integer NOT NULL DEFAULT 0, -- at least one failed tool call
    "failedAny"             integer NOT NULL DEFAULT 0, -- either of the above
    "inputTokens"           bigint NOT NULL DEFAULT 0,
    "outputTokens"          bigint NOT NULL DEFAULT 0,
    "costUsdE8"             bigint NOT NULL DEFAULT 0,
    "latencyMs"             bigint NOT NULL DEFAULT 0,
    PRIMARY KEY ("modelId", "hourStart")
);

CREATE TABLE "ActivityDaily" (LIKE "ActivityHourly");
ALTER TABLE "ActivityDaily" RENAME COLUMN "hourStart" TO "dayStart";
ALTER TABLE "ActivityDaily" ADD PRIMARY KEY ("modelId", "dayStart"),
    ADD FOREIGN KEY ("modelId") REFERENCES "Models" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ModelActivityTotals" (
    "modelId"               text PRIMARY KEY REFERENCES "Models" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "trades"                integer NOT NULL DEFAULT 0,
    "wins"                  integer NOT NULL DEFAULT 0,
    "losses"                integer NOT NULL DEFAULT 0,
    "longs"                 integer NOT NULL DEFAULT 0,
    "netPnlE8"              bigint NOT NULL DEFAULT 0,
    "grossPnlE8"            bigint NOT NULL DEFAULT 0,
    "winPnlE8"              bigint NOT NULL DEFAULT 0,
    "lossPnlE8"             bigint NOT NULL DEFAULT 0,
    "feesE8"                bigint NOT NULL DEFAULT 0,
    "fundingE8"             bigint NOT NULL DEFAULT 0,
    "invocations"           integer NOT NULL DEFAULT 0,
    "failedInvocations"     integer NOT NULL DEFAULT 0,
    "toolFailedInvocations" integer NOT NULL DEFAULT 0,
    "failedAny"             integer NOT NULL DEFAULT 0,
    "inputTokens"           bigint NOT NULL DEFAULT 0,
    "outputTokens"          bigint NOT NULL DEFAULT 0,
    "costUsdE8"             bigint NOT NULL DEFAULT 0,
    "latencyMs"             bigint NOT NULL DEFAULT 0
);

CREATE TABLE "ModelTradeStats" (
    "modelId"               text PRIMARY KEY REFERENCES "Models" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "trades"                integer NOT NULL,
    "biggestWinE8"          bigint NOT NULL, -- largest net PnL > 0, else 0
    "biggestLossE8"         bigint NOT NULL, -- smallest net PnL < 0, else 0
    "avgTradeSize"          double precision NOT NULL, -- quantity × entry price, USD
    "medianTradeSize"       double precision NOT NULL,
    "maxTradeSize"          double precision NOT NULL,
    "avgHoldMinutes"        double precision NOT NULL,
    "medianHoldMinutes"     double precision NOT NULL,
    "maxHoldMinutes"        double precision NOT NULL,
    "leverageCount"         integer NOT NULL, -- trades with a leverage
    "avgLeverage"           double precision NOT NULL,
    "medianLeverage"        double precision NOT NULL,
    "maxLeverage"           double precision NOT NULL,
    "confidenceCount"       integer NOT NULL, -- trades whose exit plan had a confidence
    "avgConfidence"         double precision NOT NULL, -- exitPlan.confidence, a fraction in [0, 1]
    "medianConfidence"      double precision NOT NULL,
    "maxConfidence"         double precision NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION arena_lock_models(p_namespace text, p_models text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    m text;
BEGIN
    -- A fixed order, so two writers of several models cannot deadlock here.
    FOR m IN SELECT DISTINCT x FROM unnest(p_models) AS x WHERE x IS NOT NULL ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(hashtext(p_namespace), hashtext(m));
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- arena_refresh_portfolio recomputes every bucket containing one of the
-- (model, time) pairs: 5 m buckets from "PortfolioSize", each coarser width
-- from the next finer buckets.
-- Its joins always go from a handful of touched buckets to an index range
-- of their children, so the plan is pinned to index nested loops: with the
-- statistics of a freshly loaded table the planner would otherwise hash the
-- children on the model alone and compare every pair.
CREATE FUNCTION arena_refresh_portfolio(p_models text[], p_times timestamptz[]) RETURNS void
LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
DECLARE
    child integer;
    parent integer;
    variant_name text;
BEGIN
    IF coalesce(array_length(p_models, 1), 0) = 0 THEN
        RETURN;
    END IF;
    PERFORM arena_lock_models('arena.portfolio', p_models);

    -- 5-minute buckets from the snapshots themselves.
    WITH a AS (
        SELECT DISTINCT x.m AS "modelId", date_bin(interval '5 minutes', x.t, timestamptz 'epoch') AS bs
        FROM unnest(p_models, p_times) AS x(m, t) WHERE x.m IS NOT NULL AND x.t IS NOT NULL
    ), c AS (
        SELECT a."modelId", a.bs, p."id", (p."netPortfolio" * 100)::int8 AS v, p."samples", p."createdAt", p."updatedAt",
               max((p."netPortfolio" * 100)::int8) OVER w AS peak,
               row_number() OVER (PARTITION BY a."modelId", a.bs ORDER BY p."createdAt", p."id") AS rn_first,
               row_number() OVER (PARTITION BY a."modelId", a.bs ORDER BY p."createdAt" DESC, p."id" DESC) AS rn_last
        FROM a JOIN "PortfolioSize" p
          ON p."modelId" = a."modelId" AND p."createdAt" >= a.bs AND p."createdAt" < a.bs + interval '5 minutes'
        WINDOW w AS (PARTITION BY a."modelId", a.bs ORDER BY p."createdAt", p."id" ROWS UNBOUNDED PRECEDING)
    ), agg AS (
        SELECT "modelId", bs, sum("samples")::int AS points, sum(v * "samples")::int8 AS s,
               max("createdAt") FILTER (WHERE rn_first = 1) AS first_at, max(v) FILTER (WHERE rn_first = 1) AS first_v,
               max("createdAt") FILTER (WHERE rn_last = 1) AS last_at, max(v) FILTER (WHERE rn_last = 1) AS last_v,
               max("id") FILTER (WHERE rn_last = 1) AS last_id, max("updatedAt") FILTER (WHERE rn_last = 1) AS last_upd,
               max(v) AS hi, min(v) AS lo,
               max(CASE WHEN peak > 0 THEN (peak - v)::float8 / peak ELSE 0 END) AS dd
        FROM c GROUP BY 1, 2
    ), up AS (
        INSERT INTO "PortfolioBuckets" AS b ("modelId", "width", "bucketStart", "points", "sumCents", "firstAt", "firstCents",
                                             "lastAt", "lastCents", "lastId", "lastUpdatedAt", "maxCents", "minCents", "maxDrawdown")
        SELECT "modelId", 300, bs, points, s, first_at, first_v, last_at, last_v, last_id, last_upd, hi, lo, dd FROM agg
        ON CONFLICT ("modelId", "width", "bucketStart") DO UPDATE SET
            "points" = EXCLUDED."points", "sumCents" = EXCLUDED."sumCents",
            "firstAt" = EXCLUDED."firstAt", "firstCents" = EXCLUDED."firstCents",
            "lastAt" = EXCLUDED."lastAt", "lastCents" = EXCLUDED."lastCents", "lastId" = EXCLUDED."lastId",
            "lastUpdatedAt" = EXCLUDED."lastUpdatedAt", "maxCents" = EXCLUDED."maxCents", "minCents" = EXCLUDED."minCents",
            "maxDrawdown" = EXCLUDED."maxDrawdown"
        RETURNING 1
    )
    DELETE FROM "PortfolioBuckets" b
    USING (SELECT "modelId", bs FROM a EXCEPT SELECT "modelId", bs FROM agg) gone
    WHERE b."modelId" = gone."modelId" AND b."width" = 300 AND b."bucketStart" = gone.bs;

    -- Coarser widths from the finer buckets, in order.
    FOR child, parent IN VALUES (300, 900), (900, 3600), (3600, 14400), (14400, 86400) LOOP
        WITH a AS (
            SELECT DISTINCT x.m AS "modelId", date_bin(make_interval(secs => parent), x.t, timestamptz 'epoch') AS bs
            FROM unnest(p_models, p_times) AS x(m, t) WHERE x.m IS NOT NULL AND x.t IS NOT NULL
        ), c AS (
            SELECT a."modelId", a.bs, k."bucketStart", k."points", k."sumCents", k."firstAt", k."firstCents", k."lastAt",
                   k."lastCents", k."lastId", k."lastUpdatedAt", k."maxCents", k."minCents", k."maxDrawdown",
                   max(k."maxCents") OVER (PARTITION BY a."modelId", a.bs ORDER BY k."bucketStart"
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS p_before,
                   row_number() OVER (PARTITION BY a."modelId", a.bs ORDER BY k."bucketStart") AS rn_first,
                   row_number() OVER (PARTITION BY a."modelId", a.bs ORDER BY k."bucketStart" DESC) AS rn_last
            FROM a JOIN "PortfolioBuckets" k
              ON k."modelId" = a."modelId" AND k."width" = child
             AND k."bucketStart" >= a.bs AND k."bucketStart" < a.bs + make_interval(secs => parent)
        ), agg AS (
            SELECT "modelId", bs, sum("points")::int AS points, sum("sumCents")::int8 AS s,
                   max("firstAt") FILTER (WHERE rn_first = 1) AS first_at, max("firstCents") FILTER (WHERE rn_first = 1) AS first_v,
                   max("lastAt") FILTER (WHERE rn_last = 1) AS last_at, max("lastCents") FILTER (WHERE rn_last = 1) AS last_v,
                   max("lastId") FILTER (WHERE rn_last = 1) AS last_id, max("lastUpdatedAt") FILTER (WHERE rn_last = 1) AS last_upd,
                   max("maxCents") AS hi, min("minCents") AS lo,
                   max(greatest("maxDrawdown", CASE WHEN p_before > 0 THEN (p_before - "minCents")::float8 / p_before ELSE 0 END)) AS dd
            FROM c GROUP BY 1, 2
        ), up AS (
            INSERT INTO "PortfolioBuckets" AS b ("modelId", "width", "bucketStart", "points", "sumCents", "firstAt", "firstCents",
                                                 "lastAt", "lastCents", "lastId", "lastUpdatedAt", "maxCents", "minCents", "maxDrawdown")
            SELECT "modelId", parent, bs, points, s, first_at, first_v, last_at, last_v, last_id, last_upd, hi, lo, dd FROM agg
            ON CONFLICT ("modelId", "width", "bucketStart") DO UPDATE SET
                "points" = EXCLUDED."points", "sumCents" = EXCLUDED."sumCents",
                "firstAt" = EXCLUDED."firstAt", "firstCents" = EXCLUDED."firstCents",
                "lastAt" = EXCLUDED."lastAt", "lastCents" = EXCLUDED."lastCents", "lastId" = EXCLUDED."lastId",
                "lastUpdatedAt" = EXCLUDED."lastUpdatedAt", "maxCents" = EXCLUDED."maxCents", "minCents" = EXCLUDED."minCents",
                "maxDrawdown" = EXCLUDED."maxDrawdown"
            RETURNING 1
        )
        DELETE FROM "PortfolioBuckets" b
        USING (SELECT "modelId", bs FROM a EXCEPT SELECT "modelId", bs FROM agg) gone
        WHERE b."modelId" = gone."modelId" AND b."width" = parent AND b."bucketStart" = gone.bs;
    END LOOP;

    -- The variant hours of the touched hours, from the hourly buckets. The
    -- variants are locked after the models (a fixed order: no deadlock).
    FOR variant_name IN SELECT DISTINCT m."variant"::text FROM "Models" m WHERE m."id" = ANY(p_models) ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(hashtext('arena.variant'), hashtext(variant_name));
    END LOOP;
    WITH a AS (
        SELECT DISTINCT m."variant", date_bin(interval '1 hour', x.t, timestamptz 'epoch') AS hs
        FROM unnest(p_models, p_times) AS x(id, t) JOIN "Models" m ON m."id" = x.id
        WHERE x.t IS NOT NULL AND m."kind" = 'llm'
    ), agg AS (
        SELECT a."variant", a.hs, sum(b."sumCents")::int8 AS s, sum(b."points")::int8 AS n
        FROM a JOIN "Models" m ON m."variant" = a."variant" AND m."kind" = 'llm'
        JOIN "PortfolioBuckets" b ON b."modelId" = m."id" AND b."width" = 3600 AND b."bucketStart" = a.hs
        GROUP BY 1, 2
    ), up AS (
        INSERT INTO "VariantHourly" ("variant", "hourStart", "sumCents", "points") SELECT "variant", hs, s, n FROM agg
        ON CONFLICT ("variant", "hourStart") DO UPDATE SET "sumCents" = EXCLUDED."sumCents", "points" = EXCLUDED."points"
        RETURNING 1
    )
    DELETE FROM "VariantHourly" x
    USING (SELECT "variant", hs FROM a EXCEPT SELECT "variant", hs FROM agg) gone
    WHERE x."variant" = gone."variant" AND x."hourStart" = gone.hs;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- arena_refresh_activity recomputes the hours containing the (model, time)
-- pairs from the raw rows, then their days from the hours, and the trade
-- statistics of the models in p_trade_models.
CREATE FUNCTION arena_refresh_activity(p_models text[], p_times timestamptz[], p_trade_models text[]) RETURNS void
LANGUAGE plpgsql
SET enable_seqscan = off -- index ranges per touched hour, whatever the statistics say
AS $$
BEGIN
    IF coalesce(array_length(p_models, 1), 0) = 0 AND coalesce(array_length(p_trade_models, 1), 0) = 0 THEN
        RETURN;
    END IF;
    PERFORM arena_lock_models('arena.activity', p_models || p_trade_models);

    WITH a AS (
        SELECT DISTINCT x.m AS "modelId", date_bin(interval '1 hour', x.t, timestamptz 'epoch') AS hs
        FROM unnest(p_models, p_times) AS x(m, t) WHERE x.m IS NOT NULL AND x.t IS NOT NULL
    ), tr AS (
        SELECT a."modelId", a.hs, count(*)::int AS trades,
               count(*) FILTER (WHERE net > 0)::int AS wins, count(*) FILTER (WHERE net < 0)::int AS losses,
               count(*) FILTER (WHERE o."side" = 'LONG')::int AS longs,
               sum(net)::int8 AS net_pnl, sum(gross)::int8 AS gross_pnl,
               coalesce(sum(net) FILTER (WHERE net > 0), 0)::int8 AS win_pnl,
               coalesce(sum(net) FILTER (WHERE net < 0), 0)::int8 AS loss_pnl,
               sum(fee)::int8 AS fees, sum(fund)::int8 AS funding
        FROM a JOIN "Orders" o
          ON o."modelId" = a."modelId" AND o."status" = 'CLOSED'
         AND o."closedAt" >= a.hs AND o."closedAt" < a.hs + interval '1 hour'
         AND o."closeTrigger" IS DISTINCT FROM 'RESET'
        CROSS JOIN LATERAL (SELECT (coalesce(o."realizedPnl", 0) * 100000000)::int8 AS gross,
                                   (o."fees" * 100000000)::int8 AS fee, (o."fundingPnl" * 100000000)::int8 AS fund) v
        CROSS JOIN LATERAL (SELECT v.gross - v.fee + v.fund AS net) n
        GROUP BY 1, 2
    ), inv AS (
        SELECT a."modelId", a.hs, count(*)::int AS invocations,
               count(*) FILTER (WHERE i."status" = 'failed')::int AS failed,
               count(*) FILTER (WHERE tf.failed)::int AS tool_failed,
               count(*) FILTER (WHERE i."status" = 'failed' OR tf.failed)::int AS failed_any,
               sum(i."inputTokens")::int8 AS input_tokens, sum(i."outputTokens")::int8 AS output_tokens,
               sum((i."costUsd" * 100000000)::int8)::int8 AS cost, sum(i."latencyMs")::int8 AS latency
        FROM a JOIN "Invocations" i
          ON i."modelId" = a."modelId" AND i."createdAt" >= a.hs AND i."createdAt" < a.hs + interval '1 hour'
         AND i."status" <> 'running'
        CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM "ToolCalls" tc WHERE tc."invocationId" = i."id" AND NOT tc."success") AS failed) tf
        GROUP BY 1, 2
    ), hr AS (
        SELECT a."modelId", a.hs,
               coalesce(tr.trades, 0) AS trades, coalesce(tr.wins, 0) AS wins, coalesce(tr.losses, 0) AS losses,
               coalesce(tr.longs, 0) AS longs, coalesce(tr.net_pnl, 0) AS net_pnl, coalesce(tr.gross_pnl, 0) AS gross_pnl,
               coalesce(tr.win_pnl, 0) AS win_pnl, coalesce(tr.loss_pnl, 0) AS loss_pnl,
               coalesce(tr.fees, 0) AS fees, coalesce(tr.funding, 0) AS funding,
               coalesce(inv.invocations, 0) AS invocations, coalesce(inv.failed, 0) AS failed,
               coalesce(inv.tool_failed, 0) AS tool_failed, coalesce(inv.failed_any, 0) AS failed_any,
               coalesce(inv.input_tokens, 0) AS input_tokens, coalesce(inv.output_tokens, 0) AS output_tokens,
               coalesce(inv.cost, 0) AS cost, coalesce(inv.latency, 0) AS latency,
               (tr."modelId" IS NOT NULL OR inv."modelId" IS NOT NULL) AS present
        FROM a
        LEFT JOIN tr ON tr."modelId" = a."modelId" AND tr.hs = a.hs
        LEFT JOIN inv ON inv."modelId" = a."modelId" AND inv.hs = a.hs
    ), up AS (
        INSERT INTO "ActivityHourly" ("modelId", "hourStart", "trades", "wins", "losses", "longs", "netPnlE8", "grossPnlE8",
                                      "winPnlE8", "lossPnlE8", "feesE8", "fundingE8", "invocations", "failedInvocations",
                                      "toolFailedInvocations", "failedAny", "inputTokens", "outputTokens", "costUsdE8", "latencyMs")
        SELECT "modelId", hs, trades, wins, losses, longs, net_pnl, gross_pnl, win_pnl, loss_pnl, fees, funding,
               invocations, failed, tool_failed, failed_any, input_tokens, output_tokens, cost, latency
        FROM hr WHERE present
        ON CONFLICT ("modelId", "hourStart") DO UPDATE SET
            "trades" = EXCLUDED."trades", "wins" = EXCLUDED."wins", "losses" = EXCLUDED."losses", "longs" = EXCLUDED."longs",
            "netPnlE8" = EXCLUDED."netPnlE8", "grossPnlE8" = EXCLUDED."grossPnlE8", "winPnlE8" = EXCLUDED."winPnlE8",
            "lossPnlE8" = EXCLUDED."lossPnlE8", "feesE8" = EXCLUDED."feesE8", "fundingE8" = EXCLUDED."fundingE8",
            "invocations" = EXCLUDED."invocations", "failedInvocations" = EXCLUDED."failedInvocations",
            "toolFailedInvocations" = EXCLUDED."toolFailedInvocations", "failedAny" = EXCLUDED."failedAny",
            "inputTokens" = EXCLUDED."inputTokens", "outputTokens" = EXCLUDED."outputTokens",
            "costUsdE8" = EXCLUDED."costUsdE8", "latencyMs" = EXCLUDED."latencyMs"
        RETURNING 1
    )
    DELETE FROM "ActivityHourly" h USING hr r
    WHERE h."modelId" = r."modelId" AND h."hourStart" = r.hs AND NOT r.present;

    -- The days of those hours, from the hours.
    WITH d AS (
        SELECT DISTINCT x.m AS "modelId", date_bin(interval '1 day', x.t, timestamptz 'epoch') AS ds
        FROM unnest(p_models, p_times) AS x(m, t) WHERE x.m IS NOT NULL AND x.t IS NOT NULL
    ), agg AS (
        SELECT d."modelId", d.ds, sum(h."trades")::int AS trades, sum(h."wins")::int AS wins, sum(h."losses")::int AS losses,
               sum(h."longs")::int AS longs, sum(h."netPnlE8")::int8 AS net_pnl, sum(h."grossPnlE8")::int8 AS gross_pnl,
               sum(h."winPnlE8")::int8 AS win_pnl, sum(h."lossPnlE8")::int8 AS loss_pnl, sum(h."feesE8")::int8 AS fees,
               sum(h."fundingE8")::int8 AS funding, sum(h."invocations")::int AS invocations,
               sum(h."failedInvocations")::int AS failed, sum(h."toolFailedInvocations")::int AS tool_failed,
               sum(h."failedAny")::int AS failed_any, sum(h."inputTokens")::int8 AS input_tokens,
               sum(h."outputTokens")::int8 AS output_tokens, sum(h."costUsdE8")::int8 AS cost, sum(h."latencyMs")::int8 AS latency
        FROM d JOIN "ActivityHourly" h ON h."modelId" = d."modelId" AND h."hourStart" >= d.ds AND h."hourStart" < d.ds + interval '1 day'
        GROUP BY 1, 2
    ), up AS (
        INSERT INTO "ActivityDaily" ("modelId", "dayStart", "trades", "wins", "losses", "longs", "netPnlE8", "grossPnlE8",
                                     "winPnlE8", "lossPnlE8", "feesE8", "fundingE8", "invocations", "failedInvocations",
                                     "toolFailedInvocations", "failedAny", "inputTokens", "outputTokens", "costUsdE8", "latencyMs")
        SELECT "modelId", ds, trades, wins, losses, longs, net_pnl, gross_pnl, win_pnl, loss_pnl, fees, funding,
               invocations, failed, tool_failed, failed_any, input_tokens, output_tokens, cost, latency
        FROM agg
        ON CONFLICT ("modelId", "dayStart") DO UPDATE SET
            "trades" = EXCLUDED."trades", "wins" = EXCLUDED."wins", "losses" = EXCLUDED."losses", "longs" = EXCLUDED."longs",
            "netPnlE8" = EXCLUDED."netPnlE8", "grossPnlE8" = EXCLUDED."grossPnlE8", "winPnlE8" = EXCLUDED."winPnlE8",
            "lossPnlE8" = EXCLUDED."lossPnlE8", "feesE8" = EXCLUDED."feesE8", "fundingE8" = EXCLUDED."fundingE8",
            "invocations" = EXCLUDED."invocations", "failedInvocations" = EXCLUDED."failedInvocations",
            "toolFailedInvocations" = EXCLUDED."toolFailedInvocations", "failedAny" = EXCLUDED."failedAny",
            "inputTokens" = EXCLUDED."inputTokens", "outputTokens" = EXCLUDED."outputTokens",
            "costUsdE8" = EXCLUDED."costUsdE8", "latencyMs" = EXCLUDED."latencyMs"
        RETURNING 1
    )
    DELETE FROM "ActivityDaily" x
    USING (SELECT "modelId", ds FROM d EXCEPT SELECT "modelId", ds FROM agg) gone
    WHERE x."modelId" = gone."modelId" AND x."dayStart" = gone.ds;

    IF coalesce(array_length(p_trade_models, 1), 0) > 0 THEN
        PERFORM arena_refresh_trade_stats(p_trade_models);
    END IF;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION arena_refresh_trade_stats(p_models text[]) RETURNS void
LANGUAGE sql
SET enable_seqscan = off
AS $$
    WITH ms AS (
        SELECT DISTINCT m FROM unnest(p_models) AS m WHERE m IS NOT NULL
    ), t AS (
        SELECT o."modelId",
               ((coalesce(o."realizedPnl", 0) - o."fees" + o."fundingPnl") * 100000000)::int8 AS net,
               (o."quantity" * o."entryPrice")::float8 AS size,
               extract(epoch FROM (o."closedAt" - o."openedAt"))::float8 / 60 AS hold,
               o."leverage"::float8 AS lev,
               CASE WHEN jsonb_typeof(o."exitPlan" -> 'confidence') = 'number'
                    THEN (o."exitPlan" ->> 'confidence')::float8 END AS conf
        FROM "Orders" o JOIN ms ON o."modelId" = ms.m
        WHERE o."status" = 'CLOSED' AND o."closedAt" IS NOT NULL AND o."closeTrigger" IS DISTINCT FROM 'RESET'
    ), s AS (
        SELECT "modelId", count(*)::int AS trades,
               coalesce(max(net) FILTER (WHERE net > 0), 0) AS big_win, coalesce(min(net) FILTER (WHERE net < 0), 0) AS big_loss,
               avg(size) AS avg_size, percentile_cont(0.5) WITHIN GROUP (ORDER BY size) AS med_size, max(size) AS max_size,
               avg(hold) AS avg_hold, percentile_cont(0.5) WITHIN GROUP (ORDER BY hold) AS med_hold, max(hold) AS max_hold,
               count(lev)::int AS lev_n, avg(lev) AS avg_lev, percentile_cont(0.5) WITHIN GROUP (ORDER BY lev) AS med_lev, max(lev) AS max_lev,
               count(conf)::int AS conf_n, avg(conf) AS avg_conf, percentile_cont(0.5) WITHIN GROUP (ORDER BY conf) AS med_conf, max(conf) AS max_conf
        FROM t GROUP BY 1
    ), del AS (
        DELETE FROM "ModelTradeStats" x USING ms WHERE x."modelId" = ms.m AND NOT EXISTS (SELECT 1 FROM s WHERE s."modelId" = ms.m)
        RETURNING 1
    )
    INSERT INTO "ModelTradeStats" ("modelId", "trades", "biggestWinE8", "biggestLossE8", "avgTradeSize", "medianTradeSize",
                                   "maxTradeSize", "avgHoldMinutes", "medianHoldMinutes", "maxHoldMinutes", "leverageCount",
                                   "avgLeverage", "medianLeverage", "maxLeverage", "confidenceCount", "avgConfidence",
                                   "medianConfidence", "maxConfidence")
    SELECT "modelId", trades, big_win, big_loss, avg_size, med_size, max_size, avg_hold, med_hold, max_hold,
           lev_n, coalesce(avg_lev, 0), coalesce(med_lev, 0), coalesce(max_lev, 0),
           conf_n, coalesce(avg_conf, 0), coalesce(med_conf, 0), coalesce(max_conf, 0)
    FROM s
    ON CONFLICT ("modelId") DO UPDATE SET
        "trades" = EXCLUDED."trades", "biggestWinE8" = EXCLUDED."biggestWinE8", "biggestLossE8" = EXCLUDED."biggestLossE8",
        "avgTradeSize" = EXCLUDED."avgTradeSize", "medianTradeSize" = EXCLUDED."medianTradeSize",
        "maxTradeSize" = EXCLUDED."maxTradeSize", "avgHoldMinutes" = EXCLUDED."avgHoldMinutes",
        "medianHoldMinutes" = EXCLUDED."medianHoldMinutes", "maxHoldMinutes" = EXCLUDED."maxHoldMinutes",
        "leverageCount" = EXCLUDED."leverageCount", "avgLeverage" = EXCLUDED."avgLeverage",
        "medianLeverage" = EXCLUDED."medianLeverage", "maxLeverage" = EXCLUDED."maxLeverage",
        "confidenceCount" = EXCLUDED."confidenceCount", "avgConfidence" = EXCLUDED."avgConfidence",
        "medianConfidence" = EXCLUDED."medianConfidence", "maxConfidence" = EXCLUDED."maxConfidence";
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- "ModelActivityTotals" follows "ActivityHourly" by difference: exact, O(1).
CREATE FUNCTION arena_add_totals(r "ActivityHourly", s integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO "ModelActivityTotals" AS t ("modelId", "trades", "wins", "losses", "longs", "netPnlE8", "grossPnlE8",
                                            "winPnlE8", "lossPnlE8", "feesE8", "fundingE8", "invocations", "failedInvocations",
                                            "toolFailedInvocations", "failedAny", "inputTokens", "outputTokens",
                                            "costUsdE8", "latencyMs")
    VALUES (r."modelId", s * r."trades", s * r."wins", s * r."losses", s * r."longs", s * r."netPnlE8", s * r."grossPnlE8",
            s * r."winPnlE8", s * r."lossPnlE8", s * r."feesE8", s * r."fundingE8", s * r."invocations", s * r."failedInvocations",
            s * r."toolFailedInvocations", s * r."failedAny", s * r."inputTokens", s * r."outputTokens",
            s * r."costUsdE8", s * r."latencyMs")
    ON CONFLICT ("modelId") DO UPDATE SET
        "trades" = t."trades" + EXCLUDED."trades", "wins" = t."wins" + EXCLUDED."wins",
        "losses" = t."losses" + EXCLUDED."losses", "longs" = t."longs" + EXCLUDED."longs",
        "netPnlE8" = t."netPnlE8" + EXCLUDED."netPnlE8", "grossPnlE8" = t."grossPnlE8" + EXCLUDED."grossPnlE8",
        "winPnlE8" = t."winPnlE8" + EXCLUDED."winPnlE8", "lossPnlE8" = t."lossPnlE8" + EXCLUDED."lossPnlE8",
        "feesE8" = t."feesE8" + EXCLUDED."feesE8", "fundingE8" = t."fundingE8" + EXCLUDED."fundingE8",
        "invocations" = t."invocations" + EXCLUDED."invocations",
        "failedInvocations" = t."failedInvocations" + EXCLUDED."failedInvocations",
        "toolFailedInvocations" = t."toolFailedInvocations" + EXCLUDED."toolFailedInvocations",
        "failedAny" = t."failedAny" + EXCLUDED."failedAny",
        "inputTokens" = t."inputTokens" + EXCLUDED."inputTokens", "outputTokens" = t."outputTokens" + EXCLUDED."outputTokens",
        "costUsdE8" = t."costUsdE8" + EXCLUDED."costUsdE8", "latencyMs" = t."latencyMs" + EXCLUDED."latencyMs";
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION arena_activity_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM arena_add_totals(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM arena_add_totals(NEW, 1);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER "ActivityHourly_totals" AFTER INSERT OR UPDATE OR DELETE ON "ActivityHourly"
    FOR EACH ROW EXECUTE FUNCTION arena_activity_totals();

-- Statement-level triggers on the sources: one refresh per statement, with
-- the changed rows from the transition tables.

-- +goose StatementBegin
CREATE FUNCTION arena_portfolio_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ms text[];
    ts timestamptz[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg("modelId"), array_agg("createdAt") INTO ms, ts FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg("modelId"), array_agg("createdAt") INTO ms, ts FROM old_rows;
    ELSE
        SELECT array_agg(m), array_agg(t) INTO ms, ts FROM (
            SELECT "modelId" AS m, "createdAt" AS t FROM old_rows UNION SELECT "modelId", "createdAt" FROM new_rows) x;
    END IF;
    PERFORM arena_refresh_portfolio(ms, ts);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER "PortfolioSize_buckets_ins" AFTER INSERT ON "PortfolioSize"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_portfolio_changed();
CREATE TRIGGER "PortfolioSize_buckets_upd" AFTER UPDATE ON "PortfolioSize"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_portfolio_changed();
CREATE TRIGGER "PortfolioSize_buckets_del" AFTER DELETE ON "PortfolioSize"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_portfolio_changed();

-- +goose StatementBegin
-- Only CLOSED rows matter; the frequent updates of OPEN positions cost a
-- scan of the transition table and nothing else.
CREATE FUNCTION arena_orders_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ms text[];
    ts timestamptz[];
    tm text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg("modelId"), array_agg("closedAt") INTO ms, ts FROM new_rows WHERE "status" = 'CLOSED';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg("modelId"), array_agg("closedAt") INTO ms, ts FROM old_rows WHERE "status" = 'CLOSED';
    ELSE
        SELECT array_agg(m), array_agg(t) INTO ms, ts FROM (
            SELECT "modelId" AS m, "closedAt" AS t FROM old_rows WHERE "status" = 'CLOSED'
            UNION SELECT "modelId", "closedAt" FROM new_rows WHERE "status" = 'CLOSED') x;
    END IF;
    IF ms IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(DISTINCT m) INTO tm FROM unnest(ms) AS m;
    PERFORM arena_refresh_activity(ms, ts, tm);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER "Orders_activity_ins" AFTER INSERT ON "Orders"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_orders_changed();
CREATE TRIGGER "Orders_activity_upd" AFTER UPDATE ON "Orders"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_orders_changed();
CREATE TRIGGER "Orders_activity_del" AFTER DELETE ON "Orders"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_orders_changed();

-- +goose StatementBegin
CREATE FUNCTION arena_invocations_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ms text[];
    ts timestamptz[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg("modelId"), array_agg("createdAt") INTO ms, ts FROM new_rows WHERE "status" <> 'running';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg("modelId"), array_agg("createdAt") INTO ms, ts FROM old_rows WHERE "status" <> 'running';
    ELSE
        SELECT array_agg(m), array_agg(t) INTO ms, ts FROM (
            SELECT "modelId" AS m, "createdAt" AS t FROM old_rows WHERE "status" <> 'running'
            UNION SELECT "modelId", "createdAt" FROM new_rows WHERE "status" <> 'running') x;
    END IF;
    IF ms IS NOT NULL THEN
        PERFORM arena_refresh_activity(ms, ts, '{}'::text[]);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER "Invocations_activity_ins" AFTER INSERT ON "Invocations"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_invocations_changed();
CREATE TRIGGER "Invocations_activity_upd" AFTER UPDATE ON "Invocations"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_invocations_changed();
CREATE TRIGGER "Invocations_activity_del" AFTER DELETE ON "Invocations"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_invocations_changed();

-- +goose StatementBegin
-- A tool call's success changes its invocation's failure counts.
CREATE FUNCTION arena_toolcalls_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ms text[];
    ts timestamptz[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(i."modelId"), array_agg(i."createdAt") INTO ms, ts
        FROM (SELECT DISTINCT "invocationId" FROM new_rows WHERE NOT "success") c JOIN "Invocations" i ON i."id" = c."invocationId";
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(i."modelId"), array_agg(i."createdAt") INTO ms, ts
        FROM (SELECT DISTINCT "invocationId" FROM old_rows WHERE NOT "success") c JOIN "Invocations" i ON i."id" = c."invocationId";
    ELSE
        SELECT array_agg(i."modelId"), array_agg(i."createdAt") INTO ms, ts
        FROM (SELECT "invocationId" FROM old_rows WHERE NOT "success"
              UNION SELECT "invocationId" FROM new_rows WHERE NOT "success") c JOIN "Invocations" i ON i."id" = c."invocationId";
    END IF;
    IF ms IS NOT NULL THEN
        PERFORM arena_refresh_activity(ms, ts, '{}'::text[]);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER "ToolCalls_activity_ins" AFTER INSERT ON "ToolCalls"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_toolcalls_changed();
CREATE TRIGGER "ToolCalls_activity_upd" AFTER UPDATE ON "ToolCalls"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_toolcalls_changed();
CREATE TRIGGER "ToolCalls_activity_del" AFTER DELETE ON "ToolCalls"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION arena_toolcalls_changed();

-- +goose StatementBegin
-- A model changing variant or kind moves its hours between variants: rare,
-- so "VariantHourly" is rebuilt.
CREATE FUNCTION arena_rebuild_variant_hourly() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('arena.variant'), hashtext(v::text)) FROM unnest(enum_range(NULL::"Variant")) v ORDER BY v::text;
    DELETE FROM "VariantHourly";
    INSERT INTO "VariantHourly" ("variant", "hourStart", "sumCents", "points")
    SELECT m."variant", b."bucketStart", sum(b."sumCents"), sum(b."points")
    FROM "PortfolioBuckets" b JOIN "Models" m ON m."id" = b."modelId" AND m."kind" = 'llm'
    WHERE b."width" = 3600 GROUP BY 1, 2;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER "Models_variant_hourly" AFTER UPDATE OF "variant", "kind" ON "Models"
    FOR EACH STATEMENT EXECUTE FUNCTION arena_rebuild_variant_hourly();

-- Backfill from what is already there.
SELECT arena_refresh_portfolio(array_agg("modelId"), array_agg("createdAt")) FROM "PortfolioSize";
SELECT arena_refresh_activity(
    coalesce((SELECT array_agg("modelId") FROM "Orders" WHERE "status" = 'CLOSED'), '{}') ||
        coalesce((SELECT array_agg("modelId") FROM "Invocations" WHERE "status" <> 'running'), '{}'),
    coalesce((SELECT array_agg("closedAt") FROM "Orders" WHERE "status" = 'CLOSED'), '{}') ||
        coalesce((SELECT array_agg("createdAt") FROM "Invocations" WHERE "status" <> 'running'), '{}'),
    coalesce((SELECT array_agg(DISTINCT "modelId") FROM "Orders" WHERE "status" = 'CLOSED'), '{}'));

-- +goose Down
SELECT 1;
