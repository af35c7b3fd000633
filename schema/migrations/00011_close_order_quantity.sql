-- +goose Up
-- Close-position orders learn their size when they execute; their rows kept
-- the unknown size (0) they were first written with. Repair them from the
-- order's own latest record (the state column), which has the size.
UPDATE "SimOrders" SET "quantity" = ("state"->>'quantity')::numeric
WHERE "state" IS NOT NULL AND "quantity" < "filledQty" AND ("state"->>'quantity') IS NOT NULL;

-- +goose Down
SELECT 1;
