//go:build linux

// Command ssebench is the SSE relay's load generator. It starts a relay in a
// child process (this same binary with -serve-relay, so the relay's memory is
// measured alone, without the clients'), connects N SSE clients to it over
// loopback, publishes events through the Redis event log at a fixed rate with
// the publish time inside each payload, and reports delivered events per
// second, publish-to-receive latency (p50, p99, max), clients dropped, events
// missed, and the relay's memory per client: the growth of its Go heap plus
// goroutine stacks (and of its RSS) between before and after the clients
// connected, divided by N (kernel socket buffers are not included). It stops
// by itself after -duration and exits non-zero when -check targets are
// missed. The clients are read with epoll, one read per event, so the load
// generator takes as little as possible of the CPU it shares with the relay;
// it is Linux-only.
//
//	go run ./worker/cmd/ssebench -clients 10000 -rate 20 -duration 30s
//
// -relay URL benchmarks an already running relay instead (no memory figures;
// pass its key prefix with -prefix).
// Redis comes from -redis, else REDIS_URL, else redis://127.0.0.1:6379/0; all
// keys go under a random prefix that is deleted afterwards.
package main

import (
	"context"
	"io"
	"os"

	"github.com/autonome-go/autonome/shared/process"
)

func main() {
	process.Main("ssebench", func(ctx context.Context) error { return run(ctx, os.Args[1:], os.Getenv, os.Stdout) })
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, getenv)
	if err != nil {
		return err
	}
	if cfg.serveRelay {
		return serveRelay(ctx, cfg, os.Stdin, stdout)
	}
	res, err := bench(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	res.print(stdout)
	if cfg.check {
		return res.check(cfg)
	}
	return nil
}
