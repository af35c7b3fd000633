package rpc_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
)

type badRequest struct {
	JSON struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Data    struct {
			Issues []rpc.Issue `json:"issues"`
		} `json:"data"`
	} `json:"json"`
}

func wantBadRequest(t *testing.T, status int, body []byte, path []any, msgPart string) {
	t.Helper()
	var e badRequest
	if err := json.Unmarshal(body, &e); err != nil || status != 400 || e.JSON.Code != "BAD_REQUEST" {
		t.Fatalf("want 400 BAD_REQUEST, got %d %s", status, body)
	}
	for _, is := range e.JSON.Data.Issues {
		if fmt.Sprint(is.Path) == fmt.Sprint(path) && strings.Contains(is.Message, msgPart) {
			return
		}
	}
	t.Fatalf("no issue at %v mentioning %q: %s", path, msgPart, body)
}

// A NUL character in any id, of any procedure, is BAD_REQUEST (PostgreSQL
// cannot store it, and it used to come back as a 500).
func TestNULInIdsIsBadRequest(t *testing.T) {
	env := rpctest.Seed(t)
	h := rpc.NewHandler(env.Deps, env.Options())
	for _, c := range []struct{ path, body string }{
		{"simulator/getAccount", `{"accountId":"\u0000"}`},
		{"simulator/getAccount", `{"accountId":"m-ds-apex\u0000"}`},
		{"simulator/resetAccount", `{"accountId":"m-ds-\u0000apex"}`},
		{"simulator/placeOrder", `{"accountId":"\u0000","symbol":"BTC","quantity":1,"side":"buy"}`},
		{"simulator/placeOrder", `{"accountId":"m-ds-apex","symbol":"BTC","quantity":1,"side":"buy","clientOrderId":"a\u0000"}`},
		{"simulator/getCompletedTrades", `{"accountId":"\u0000"}`},
		{"simulator/getCompletedTradesFromDB", `{"modelId":"\u0000"}`},
		{"simulator/getOrderBook", `{"symbol":"BTC\u0000"}`},
		{"trading/getTrades", `{"variant":"\u0000"}`},
	} {
		var in map[string]any
		_ = json.Unmarshal([]byte(c.body), &in)
		field := ""
		for k, v := range in {
			if s, ok := v.(string); ok && strings.ContainsRune(s, 0) {
				field = k
			}
		}
		resp, body := do(t, h, "POST", "/api/rpc/"+c.path, `{"json":`+c.body+`}`, admin())
		wantBadRequest(t, resp.StatusCode, body, []any{field}, "NUL")
	}
	// In a key, and through GET.
	resp, body := do(t, h, "POST", "/api/rpc/trading/getTrades", `{"json":{"lim\u0000it":5}}`, nil)
	wantBadRequest(t, resp.StatusCode, body, []any{"lim\x00it"}, "NUL")
	resp, body = do(t, h, "GET", `/api/rpc/simulator/getAccount?data=%7B%22json%22%3A%7B%22accountId%22%3A%22%5Cu0000%22%7D%7D`, "", nil)
	wantBadRequest(t, resp.StatusCode, body, []any{"accountId"}, "NUL")
}

// Keys given twice, or in two cases (encoding/json matches keys without
// regard to case and keeps the last), are refused instead of silently
// using one of them.
func TestDuplicateAndCaseVariantKeys(t *testing.T) {
	h := bare(rpc.Options{AdminTokens: []string{"tok"}})
	for _, c := range []struct {
		path, body string
		at         []any
	}{
		{"simulator/getAccount", `{"json":{"accountId":"a","ACCOUNTID":"b"}}`, []any{"ACCOUNTID"}},
		{"simulator/getAccount", `{"json":{"accountId":"a","accountId":"b"}}`, []any{"accountId"}},
		{"trading/getCryptoPrices", `{"json":{"symbols":["BTC"],"Symbols":["ETH"]}}`, []any{"Symbols"}},
		{"simulator/placeOrder", `{"json":{"accountId":"a","symbol":"BTC","quantity":1,"side":"buy","Side":"sell"}}`, []any{"Side"}},
		{"trading/getPortfolioHistory", `{"json":{"startDate":"2026-01-01T00:00:00Z","startdate":"2026-02-01T00:00:00Z"}}`, []any{"startdate"}},
	} {
		resp, body := do(t, h, "POST", "/api/rpc/"+c.path, c.body, map[string]string{"Authorization": "Bearer tok"})
		wantBadRequest(t, resp.StatusCode, body, c.at, "duplicate key")
	}
	// The envelope's own keys too.
	resp, body := do(t, h, "POST", "/api/rpc/trading/getTrades", `{"json":{"limit":1},"JSON":{"limit":500}}`, nil)
	if resp.StatusCode != 400 || !strings.Contains(string(body), "duplicate key") {
		t.Fatalf("duplicate envelope key: %d %s", resp.StatusCode, body)
	}
	// Distinct keys in nested objects and arrays are fine.
	resp, body = do(t, h, "POST", "/api/rpc/variants/getVariants", `{"json":{},"meta":[]}`, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("plain request refused: %d %s", resp.StatusCode, body)
	}
}

// price is the reference's alias of limitPrice: both at once is ambiguous.
func TestPriceAndLimitPriceTogether(t *testing.T) {
	h := bare(rpc.Options{AdminTokens: []string{"tok"}})
	resp, body := do(t, h, "POST", "/api/rpc/simulator/placeOrder",
		`{"json":{"accountId":"a","symbol":"ETH","quantity":1,"side":"sell","type":"limit","limitPrice":3300,"price":3400}}`,
		map[string]string{"Authorization": "Bearer tok"})
	wantBadRequest(t, resp.StatusCode, body, []any{"price"}, "not both")
}
