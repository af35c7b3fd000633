package e2e

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/testenv"
)

// The worker's, the relay's and the API's /metrics move with what really
// happens: a decision, an order, a refused order, an SSE client, a rejected
// request.
func TestMetricsMoveWithRealActions(t *testing.T) {
	s := StartStack(t, "TRADE_INTERVAL=5s")
	ctx := testenv.Context(t, 2*time.Minute)
	worker := "http://" + s.adminAddr + "/metrics"
	relay := "http://" + s.relayAddr + "/metrics"
	api := "http://" + s.apiAddr + "/metrics"

	// The admin listener's metrics need the admin token.
	testenv.Eventually(t, worker, s.AdminToken, 30*time.Second, "the worker's metrics", func(testenv.Metrics) bool { return true })
	if resp, err := http.Get(worker); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("worker /metrics without the token: %v %v, want 401", resp, err)
	}
	testenv.Eventually(t, worker, s.AdminToken, 30*time.Second, "feed messages and freshness", func(m testenv.Metrics) bool {
		return m.Value("autonome_feed_messages_total", "market", "BTC", "kind", "book") > 0 &&
			m.Value("autonome_feed_staleness_seconds", "market", "BTC") < 10
	})

	// An order through the API: filled in the ledger, its write timed.
	model := s.firstModel(t, ctx)
	s.roundTrip(t, ctx, model, "BTC", "0.01")
	m := testenv.Eventually(t, worker, s.AdminToken, 10*time.Second, "the orders in the ledger", func(m testenv.Metrics) bool {
		return m.Value("autonome_orders_total", "state", "FILLED", "trigger", "client") >= 2
	})
	for _, name := range []string{"autonome_fills_total", "autonome_fees_usd_total", "autonome_ledger_write_duration_seconds",
		"autonome_postgres_pool_acquires_total", "autonome_redis_pool_connections"} {
		if m.Value(name) <= 0 {
			t.Errorf("%s = %v after an order, want > 0", name, m.Value(name))
		}
	}

	// An order the simulator refuses (far too large for the account).
	in := map[string]any{"accountId": model, "symbol": "BTC", "quantity": 1000000, "side": "long"}
	if err := s.call(ctx, "simulator/placeOrder", in, nil, s.AdminToken); err == nil {
		t.Fatal("an order of 1 000 000 BTC was accepted")
	}
	testenv.Eventually(t, worker, s.AdminToken, 10*time.Second, "the refused order", func(m testenv.Metrics) bool {
		return m.Value("autonome_order_errors_total") >= 1
	})

	// A decision: the baselines decide every 5 s.
	testenv.Eventually(t, worker, s.AdminToken, 40*time.Second, "a decision", func(m testenv.Metrics) bool {
		return m.Value("autonome_decisions_total", "status", "success") > 0 &&
			m.Value("autonome_decision_phase_duration_seconds", "phase", "agent") > 0
	})

	// A rejected request at the API, and the procedures' latency.
	if err := s.call(ctx, "trading/getTrades", map[string]any{"limit": "lots"}, nil, ""); err == nil {
		t.Fatal("getTrades accepted limit \"lots\"")
	}
	testenv.Eventually(t, api, "", 10*time.Second, "the rejected request", func(m testenv.Metrics) bool {
		return m.Value("autonome_api_requests_total", "procedure", "trading/getTrades", "code", "400") >= 1 &&
			m.Value("autonome_api_requests_total", "procedure", "simulator/placeOrder", "code", "200") >= 2 &&
			m.Value("autonome_api_request_duration_seconds", "procedure", "trading/getTrades") >= 1
	})

	// An SSE client on the relay gets prices and is counted while connected.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.relayAddr+"/api/events/prices", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "data:") {
	}
	testenv.Eventually(t, relay, "", 10*time.Second, "the SSE client", func(m testenv.Metrics) bool {
		return m.Value("autonome_sse_clients") >= 1 && m.Value("autonome_sse_streams_total") >= 1 &&
			m.Value("autonome_sse_events_delivered_total") > 0 && m.Value("autonome_sse_publish_to_write_seconds") > 0
	})
}
