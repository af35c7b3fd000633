// Package seasonimport stores season bundles in PostgreSQL for the API and
// the dashboard: `worker season import BUNDLE` checks the bundle's
// checksums, replays it to the manifest's result hash (or, with
// --checksums-only, trusts its recorded result), builds the season's
// methodology card and writes the season, its leaderboard, equity curves
// and decisions through shared/postgres. The API (functions/) reads those
// tables and never imports the worker's code.
package seasonimport
