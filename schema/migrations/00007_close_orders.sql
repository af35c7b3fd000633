-- +goose Up
-- A close-position order learns its side when it reaches the engine (the
-- opposite of the position then); while pending, and when rejected because
-- there was nothing to close, it has none.
ALTER TABLE "SimOrders" ALTER COLUMN "side" DROP NOT NULL;

-- +goose Down
SELECT 1;
