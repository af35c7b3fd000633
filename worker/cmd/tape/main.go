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
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tape:", err)
		os.Exit(1)
	}
}
