package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestRecordThenReplaySynthetic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "day.tape")
	ctx := t.Context()
	var out bytes.Buffer
	args := []string{"record", "-feed", "synthetic", "-seed", "7", "-fast", "-start", "2026-05-05T12:00:00Z", "-duration", "10m", "-interval", "1s", "-out", path}
	if err := run(ctx, args, &out); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^recorded \d+ messages, 2026-05-05T12:00:00Z → 2026-05-05T12:09:59Z \(9m59s\) from synthetic to .*day.tape\n$`).MatchString(out.String()) {
		t.Errorf("record output %q", out.String())
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	out.Reset()
	if err := run(ctx, []string{"replay", "-in", path}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"source synthetic, markets BTC(#1 tick 0.1 lot 0.00001), ETH(#0 tick 0.01 lot 0.0001), SOL(#2 tick 0.001 lot 0.001)",
		"replayed ",
		"history BTC: 180×5m (last close ",
		"90×4h",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("replay output lacks %q:\n%s", want, got)
		}
	}
	// One row per symbol: 600 ticks → 5 snapshots, no bad books.
	row := regexp.MustCompile(`(?m)^\s*BTC\s+5\s+\d+\s+0\s+\d+`)
	if !row.MatchString(got) {
		t.Errorf("no healthy BTC row:\n%s", got)
	}

	// The same seed and start record the same tape.
	path2 := filepath.Join(t.TempDir(), "again.tape")
	args[len(args)-1] = path2
	if err := run(ctx, args, &out); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(path2)
	if !bytes.Equal(first, second) {
		t.Errorf("tapes of the same seed and start differ (%d vs %d bytes)", len(first), len(second))
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{nil, "usage"},
		{[]string{"play"}, `unknown command "play"`},
		{[]string{"record", "-duration", "1s"}, "-out is required"},
		{[]string{"record", "-feed", "binance", "-out", filepath.Join(dir, "x")}, `unknown feed "binance"`},
		{[]string{"record", "-feed", "lighter", "-fast", "-out", filepath.Join(dir, "x")}, "-fast applies to the synthetic feed only"},
		{[]string{"record", "-symbols", "DOGE", "-out", filepath.Join(dir, "x")}, "unknown symbol"},
		{[]string{"record", "-feed", "lighter", "-lighter-url", "http://127.0.0.1:1", "-out", filepath.Join(dir, "x"), "-duration", "1s"}, "lighter /api/v1/orderBookDetails"},
		{[]string{"replay"}, "-in is required"},
		{[]string{"replay", "-in", filepath.Join(dir, "missing.tape")}, "no such file"},
		{[]string{"record", "-bogus"}, "flag provided but not defined"},
		{[]string{"record", "-start", "noon", "-out", filepath.Join(dir, "x")}, "-start"},
	}
	for _, tt := range tests {
		err := run(t.Context(), tt.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want %q", tt.args, err, tt.want)
		}
	}
	var help bytes.Buffer
	if err := run(t.Context(), []string{"replay", "-h"}, &help); err != nil || !strings.Contains(help.String(), "-speed") {
		t.Errorf("help: %v %q", err, help.String())
	}
}
