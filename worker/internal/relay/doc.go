// Package relay serves the arena's live events to browsers as Server-Sent
// Events. A relay is stateless: everything it sends comes from the Redis event
// log (shared/redis.EventLog), so relays scale out behind a load balancer, any
// relay can resume any client, and a restart loses nothing a reconnecting
// client asks for.
//
// # Endpoints
//
// GET /api/events/{channel} for every arena channel: prices, positions,
// trades, conversations, portfolio, workflow. OPTIONS answers CORS preflights.
//
// # What a client receives
//
//  1. "retry: <ms>", the reconnection delay hint.
//  2. On the workflow channel, "event: connected" with {"type","timestamp"}, as
//     the reference sends.
//  3. Either the events it missed, when it sent a Last-Event-ID (header, or the
//     ?lastEventId= query parameter for clients that cannot set headers) that
//     is still inside the history window; or, for a new client or one whose ID
//     fell outside the window, the channel's current snapshot (read from Redis:
//     no database query, nothing broadcast to other clients). A client whose
//     ID fell outside the window is first sent "event: reset" with
//     {"reason":"history","lastEventId":...} so it knows it missed events.
//  4. Live events, in order, each with "id: <id>". IDs are the event log's
//     (Redis stream entry IDs), identical on every relay.
//  5. A heartbeat comment (": ping") every Heartbeat (15 s).
//  6. On Shutdown, a short jittered "retry:" and "event: reconnect"
//     {"reason":"shutdown"}, then the end of the stream, so EventSource
//     reconnects (to another relay) at once, resuming by Last-Event-ID.
//
// # Framing and reference compatibility
//
// The reference dashboard listens with EventSource.onmessage, i.e. unnamed
// events whose data is the raw payload, on positions, trades, conversations
// and portfolio (and prices here), and with named events on workflow. So:
//
//   - On the data channels, events and snapshots are sent without an "event:"
//     line: "id: <id>\ndata: <payload>\n\n". A snapshot is the state stored
//     with EventLog.PublishState, which publishers make the same shape as the
//     event payload (e.g. the full positions array), so the reference client
//     treats both alike. With ?named=1, every event carries its type
//     ("event: positions:updated", "event: snapshot") for clients that want to
//     tell them apart.
//   - On workflow, events are always named by their type and carry the payload
//     as published.
//   - Control events (connected, reset, reconnect) are always named, so
//     onmessage clients never mistake them for data. A channel with no
//     snapshot yet gets "id: <id>" alone, which sets the client's
//     Last-Event-ID without dispatching anything.
//
// # Delivery
//
// One subscription per relay (Run) receives every channel's events in order
// and gap-free (the event log repairs pub/sub gaps from the stream) and
// appends them, encoded once, to an in-memory ring per channel. An HTTP/1.1
// stream is taken over (hijacked) once its headers are checked: its body runs
// until the connection closes, without chunked framing. A few shard writers
// per channel (one per CPU) then send each new event to their clients with one
// non-blocking write per client: no goroutine and no buffer per client while
// it keeps up, so 10 000 clients cost about 1 KiB each in user space and the
// CPU goes to the write system calls. A client whose socket cannot take a
// write, or that must read missed events from Redis (it connected while the
// subscription was catching up, or the subscription lost history), is served
// by a goroutine of its own with blocking writes under WriteTimeout until it
// has caught up, then handed back. A client that falls more than ClientBuffer
// events behind, or cannot take a write within WriteTimeout, is disconnected
// and resumes from Redis when it reconnects. Nothing reads a hijacked
// connection, so idle ones are probed once a second for a client that hung
// up, freeing its connection slot.
//
// Connections that cannot be taken over (HTTP/2), and every stream with
// Options.PlainStreams, keep their handler goroutine and write through the
// ResponseWriter with http.ResponseController write deadlines, with the same
// events, deadlines and eviction. The two are one small interface (sink:
// connSink takes over, responseSink is plain), and the takeover is kept
// because it was measured against the plain design on the same run (make
// bench-sse, ssebench -plain; 10 000 clients × 20 events/s for 30 s on this
// 2-core machine, load generator beside the relay): taken over, p99 223–244 ms,
// 0.6–0.7 KiB of heap and stacks per client (RSS 1.9 KiB), 1.02–1.03 cores;
// plain, p99 410–434 ms, 25.7 KiB per client (RSS 26.9 KiB: a goroutine, its
// stack and a bufio writer per client), 1.17–1.18 cores. Plain misses the
// 250 ms p99 target. Measured again on 2026-12-05 (load average 0.4 before
// the run): taken over p99 262 ms, 0.7 KiB per client (RSS 2.0 KiB), 1.11
// cores; plain p99 479 ms, 25.7 KiB per client (29.0 KiB after publishing),
// 1.18 cores. The takeover is near the latency target on this machine; plain
// is well over it and near the memory target. BenchmarkDelivery is the short
// in-process version (200 clients, both designs). go test -relay.plain runs
// the package's tests against plain streams.
//
// # Admission and access
//
// Cross-origin requests are allowed only from AllowedOrigins (exact match of
// the Origin header; no substring or suffix tricks), with credentials. When
// Token is set every request needs "Authorization: Bearer <token>" or
// ?token=. MaxClients bounds the relay's streams (503 beyond it) and
// MaxClientsPerIP a single client address's (429). Behind a load balancer set
// ClientAddr to trust it, so the address is the client it names in
// X-Forwarded-For (shared/clientaddr).
//
// # Serving
//
// Serve Handler with an http.Server that has ReadHeaderTimeout set; its
// ReadTimeout and WriteTimeout do not apply to streams (the relay manages its
// own deadlines). Serve plain HTTP/1.1 behind the TLS-terminating load
// balancer for the cheap path. New starts nothing; Run starts the writer
// goroutines and ends them before it returns. To stop: Shutdown the relay
// (clients are told to reconnect; Run must still be running), then the
// http.Server, whose own Shutdown does not see taken-over connections, then
// cancel Run.
package relay
