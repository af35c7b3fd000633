package httpserver

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// A client that sends its body slowly, or holds an idle connection, is cut
// off by the defaults instead of holding the connection as long as it likes.
func TestSlowClientsAreCutOff(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := &http.Server{Addr: addr, ReadTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) })}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, srv) }()
	defer func() { cancel(); <-done }()
	var conn net.Conn
	for range 50 {
		if conn, err = net.Dial("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers promising a body that never comes.
	if _, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nab"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("the server did not close the slow connection: %v", err)
	}
	if srv.ReadHeaderTimeout != DefaultReadHeaderTimeout {
		t.Errorf("ReadHeaderTimeout %s, want the default", srv.ReadHeaderTimeout)
	}
	def := &http.Server{Addr: "127.0.0.1:0"}
	c2, cancel2 := context.WithCancel(t.Context())
	cancel2()
	_ = Run(c2, def)
	if def.ReadTimeout != DefaultReadTimeout || def.IdleTimeout != DefaultIdleTimeout {
		t.Errorf("defaults not applied: read %s idle %s", def.ReadTimeout, def.IdleTimeout)
	}
}
