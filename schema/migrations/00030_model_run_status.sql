-- +goose Up
-- Whether a seat can run as the worker last found it at start: 'no_key' when
-- its provider's API key is not set (runHint then says which variable to
-- set), so dashboards label it instead of showing it flat at 0.00%.
-- Deactivated seats (no longer in the roster) are "active" = false.
ALTER TABLE "Models"
    ADD COLUMN "runStatus" text NOT NULL DEFAULT 'active' CHECK ("runStatus" IN ('active', 'no_key')),
    ADD COLUMN "runHint"   text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE "Models" DROP COLUMN "runStatus", DROP COLUMN "runHint";
