package rpc_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/shared/arena"
)

// marks stands in for the Redis marks the worker publishes.
type marks []arena.Price

func (m marks) All(context.Context) ([]arena.Price, error) { return m, nil }

// A procedure is a POST to /api/rpc/<router>/<procedure> with oRPC's
// envelope, {"json": input}; the answer comes back in the same envelope.
// Here trading.getCryptoPrices answers from the marks alone (no database):
// a price older than 30 s is flagged, an unknown symbol says so.
func Example() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	h := rpc.NewHandler(rpc.Deps{
		Marks: marks{
			{Symbol: "BTC", Price: arena.MustFixed("97000.5"), Time: now.Add(-time.Second)},
			{Symbol: "ETH", Price: arena.MustFixed("3100.25"), Time: now.Add(-time.Minute)},
		},
		Now: func() time.Time { return now },
	}, rpc.Options{})

	req := httptest.NewRequest(http.MethodPost, "/api/rpc/trading/getCryptoPrices",
		strings.NewReader(`{"json":{"symbols":["btc","ETH","DOGE"]}}`))
	req.Header.Set("Content-Type", "application/json")
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	body, _ := io.ReadAll(rr.Result().Body)
	fmt.Println(rr.Code, string(body))

	// Bad input is a 400 with oRPC's error shape, naming the field.
	req = httptest.NewRequest(http.MethodPost, "/api/rpc/trading/getCryptoPrices",
		strings.NewReader(`{"json":{"symbols":"BTC"}}`))
	req.Header.Set("Content-Type", "application/json")
	rr = httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	body, _ = io.ReadAll(rr.Result().Body)
	fmt.Println(rr.Code, string(body))
	// Output:
	// 200 {"json":{"prices":[{"symbol":"BTC","price":97000.5},{"symbol":"ETH","price":3100.25,"message":"stale: last update 2026-01-01T11:59:00.000Z"},{"symbol":"DOGE","price":0,"message":"no price available"}]},"meta":[]}
	// 400 {"json":{"defined":false,"code":"BAD_REQUEST","status":400,"message":"expected an array, received string","data":{"issues":[{"path":["symbols"],"message":"expected an array, received string"}]}},"meta":[]}
}
