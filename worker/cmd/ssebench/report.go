//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"time"
)

type result struct {
	cfg                             config
	rampTime, publishTime           time.Duration
	connected, failed               int64
	published, publishErrors        int64
	received, outOfOrder, dropped   int64
	p50, p99, max                   time.Duration
	memBefore, memConnected, memEnd memStats
	selfCPU                         time.Duration // the load generator's, while publishing
}

func (r *result) expected() int64 { return r.published * r.connected }

// perClient is the relay's heap+stack growth per connected client.
func (r *result) perClient() (heapStack, rss float64, ok bool) {
	if r.memBefore.HeapInuse == 0 || r.connected == 0 {
		return 0, 0, false
	}
	n := float64(r.connected)
	before := float64(r.memBefore.HeapInuse + r.memBefore.StackInuse)
	after := float64(r.memConnected.HeapInuse + r.memConnected.StackInuse)
	return (after - before) / n, (float64(r.memConnected.RSS) - float64(r.memBefore.RSS)) / n, true
}

func (r *result) print(w io.Writer) {
	secs := r.publishTime.Seconds()
	fmt.Fprintf(w, "clients        %d connected, %d failed, ramp-up %s\n", r.connected, r.failed, r.rampTime.Round(time.Millisecond))
	fmt.Fprintf(w, "published      %d events (%d errors) at %.0f/s for %s, payload %d B\n", r.published, r.publishErrors, r.cfg.rate, r.publishTime, r.cfg.payload)
	fmt.Fprintf(w, "delivered      %d of %d events, %.0f events/s\n", r.received, r.expected(), float64(r.received)/secs)
	fmt.Fprintf(w, "lost           %d events missed, %d out of order, %d clients dropped\n", r.expected()-r.received, r.outOfOrder, r.dropped)
	fmt.Fprintf(w, "latency        p50 %s  p99 %s  max %s (publish call to client parse)\n", r.p50, r.p99, r.max)
	fmt.Fprintf(w, "load generator %.2f cores while publishing\n", r.selfCPU.Seconds()/secs)
	hs, rss, ok := r.perClient()
	if !ok {
		fmt.Fprintln(w, "relay memory   not measured (external relay)")
		return
	}
	heap := float64(r.memConnected.HeapInuse) - float64(r.memBefore.HeapInuse)
	stack := float64(r.memConnected.StackInuse) - float64(r.memBefore.StackInuse)
	n := float64(r.connected)
	fmt.Fprintf(w, "relay memory   %.1f KiB/client heap+stacks (heap %.1f, stacks %.1f); RSS %.1f KiB/client\n",
		hs/1024, heap/n/1024, stack/n/1024, rss/1024)
	endHS := float64(r.memEnd.HeapInuse+r.memEnd.StackInuse) - float64(r.memBefore.HeapInuse+r.memBefore.StackInuse)
	fmt.Fprintf(w, "               %.1f KiB/client after publishing; %d goroutines for %d clients\n", endHS/n/1024, r.memConnected.Goroutines, r.memConnected.Clients)
	cpu := r.memEnd.CPU - r.memConnected.CPU
	fmt.Fprintf(w, "relay CPU      %.2f cores while publishing; evicted %d\n", cpu.Seconds()/secs, r.memEnd.Evicted)
}

// check returns an error naming every missed target.
func (r *result) check(cfg config) error {
	var errs []error
	if r.failed > 0 || r.dropped > 0 {
		errs = append(errs, fmt.Errorf("%d clients failed to connect, %d dropped", r.failed, r.dropped))
	}
	if missed := r.expected() - r.received; missed != 0 || r.outOfOrder != 0 {
		errs = append(errs, fmt.Errorf("%d events missed, %d out of order", missed, r.outOfOrder))
	}
	if r.publishErrors > 0 {
		errs = append(errs, fmt.Errorf("%d publish errors", r.publishErrors))
	}
	if r.p99 >= cfg.maxP99 {
		errs = append(errs, fmt.Errorf("latency p99 %s, target under %s", r.p99, cfg.maxP99))
	}
	if hs, _, ok := r.perClient(); ok && hs >= float64(cfg.maxPerConn) {
		errs = append(errs, fmt.Errorf("relay memory %.0f B/client, target under %d", hs, cfg.maxPerConn))
	}
	return errors.Join(errs...)
}
