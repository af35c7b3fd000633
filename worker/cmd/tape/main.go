// Command tape records market data from a feed (synthetic or Lighter) to a
// JSON-lines tape, and replays a tape to summarise it:
//
//	tape record -feed lighter -out btc.tape -duration 10m
//	tape record -feed synthetic -seed 7 -fast -duration 24h -out day.tape
//	tape replay -in btc.tape [-speed 1]
//
// The worker can run on a tape instead of a live feed; see package
// marketdata/tape for the format.
package main

import (
	"context"
	"os"

	"github.com/autonome-go/autonome/shared/process"
)

func main() {
	process.Main("tape", func(ctx context.Context) error { return run(ctx, os.Args[1:], os.Stdout) })
}
