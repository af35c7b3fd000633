//go:build linux

package main

import (
	"errors"
	"flag"
	"time"
)

type config struct {
	clients     int
	rate        float64 // events per second, broadcast to every client
	duration    time.Duration
	payload     int // padding bytes per event
	connectRate int // new connections per second during ramp-up
	redisURL    string
	relayURL    string // benchmark this relay instead of starting one
	check       bool
	maxP99      time.Duration
	maxPerConn  int // bytes of relay memory per client
	cpuProfile  string

	plain      bool   // the relay serves plain streams (relay.Options.PlainStreams)
	serveRelay bool   // child mode: run the relay
	prefix     string // child mode: event log key prefix
}

func parseConfig(args []string, getenv func(string) string) (config, error) {
	var c config
	fs := flag.NewFlagSet("ssebench", flag.ContinueOnError)
	fs.IntVar(&c.clients, "clients", 10_000, "concurrent SSE clients")
	fs.Float64Var(&c.rate, "rate", 20, "events per second broadcast to all clients")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "how long to publish")
	fs.IntVar(&c.payload, "payload", 200, "padding bytes in each event's payload")
	fs.IntVar(&c.connectRate, "connect-rate", 2000, "connections opened per second during ramp-up")
	fs.StringVar(&c.redisURL, "redis", "", "Redis URL (default $REDIS_URL, else redis://127.0.0.1:6379/0)")
	fs.StringVar(&c.relayURL, "relay", "", "base URL of a running relay to benchmark (default: start one)")
	fs.BoolVar(&c.check, "check", true, "exit non-zero when a target is missed")
	fs.DurationVar(&c.maxP99, "max-p99", 250*time.Millisecond, "latency p99 target")
	fs.IntVar(&c.maxPerConn, "max-bytes-per-client", 30<<10, "relay memory per client target (bytes)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write the load generator's CPU profile while publishing to this file")
	fs.BoolVar(&c.plain, "plain", false, "the relay serves every stream through http.ResponseWriter on its own goroutine (no connection takeover): the comparison")
	fs.BoolVar(&c.serveRelay, "serve-relay", false, "internal: run the relay (child process)")
	fs.StringVar(&c.prefix, "prefix", "", "event log key prefix (default: a random one, deleted afterwards; with -relay: the relay's)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.redisURL == "" {
		c.redisURL = getenv("REDIS_URL")
	}
	if c.redisURL == "" {
		c.redisURL = "redis://127.0.0.1:6379/0"
	}
	switch {
	case c.clients <= 0 || c.clients > 100_000:
		return c, errors.New("-clients must be in 1..100000")
	case c.rate <= 0 || c.rate > 10_000:
		return c, errors.New("-rate must be in (0, 10000]")
	case c.duration <= 0 || c.duration > time.Hour:
		return c, errors.New("-duration must be in (0, 1h]")
	case c.connectRate <= 0:
		return c, errors.New("-connect-rate must be positive")
	case c.payload < 0 || c.payload > 1<<20:
		return c, errors.New("-payload must be in 0..1MiB")
	}
	return c, nil
}
