package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// call invokes an oRPC procedure through the gateway and decodes the
// output's "json" member into out. token is sent as a bearer token when set.
func (s *Stack) call(ctx context.Context, proc string, in any, out any, token string) error {
	body, err := json.Marshal(map[string]any{"json": in})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/api/rpc/"+proc, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d: %s", proc, resp.StatusCode, raw)
	}
	var env struct{ JSON json.RawMessage }
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s: %v: %s", proc, err, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(env.JSON, out)
}

type modelsOut struct {
	Models []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"models"`
}

type tradesOut struct {
	Trades []struct {
		ID      string `json:"id"`
		ModelID string `json:"modelId"`
		Symbol  string `json:"symbol"`
	} `json:"trades"`
}

// roundTrip opens and closes a small position for model through the API
// (both as worker commands) and returns the id of the trade it closed.
func (s *Stack) roundTrip(t *testing.T, ctx context.Context, model, symbol, qty string) string {
	t.Helper()
	before := s.tradeIDs(t, ctx)
	for _, side := range []string{"long", "short"} {
		var res json.RawMessage
		in := map[string]any{"accountId": model, "symbol": symbol, "quantity": json.Number(qty), "side": side}
		if err := retry(ctx, func() error { return s.call(ctx, "simulator/placeOrder", in, &res, s.AdminToken) }); err != nil {
			t.Fatalf("placeOrder %s %s: %v", side, symbol, err)
		}
	}
	var id string
	err := retry(ctx, func() error {
		for _, tr := range s.trades(t, ctx).Trades {
			if !before[tr.ID] && tr.ModelID == model && tr.Symbol == symbol {
				id = tr.ID
				return nil
			}
		}
		return fmt.Errorf("no new %s trade for %s yet", symbol, model)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (s *Stack) trades(t *testing.T, ctx context.Context) tradesOut {
	t.Helper()
	var out tradesOut
	if err := s.call(ctx, "trading/getTrades", map[string]any{"limit": 500}, &out, ""); err != nil {
		t.Fatal(err)
	}
	return out
}

func (s *Stack) tradeIDs(t *testing.T, ctx context.Context) map[string]bool {
	ids := map[string]bool{}
	for _, tr := range s.trades(t, ctx).Trades {
		ids[tr.ID] = true
	}
	return ids
}

// retry calls fn until it succeeds or ctx ends.
func retry(ctx context.Context, fn func() error) error {
	for {
		err := fn()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// firstModel returns the id of the first model the API lists.
func (s *Stack) firstModel(t *testing.T, ctx context.Context) string {
	t.Helper()
	var models modelsOut
	if err := retry(ctx, func() error { return s.call(ctx, "models/getModels", map[string]any{}, &models, "") }); err != nil {
		t.Fatal(err)
	}
	if len(models.Models) == 0 {
		t.Fatal("no models seeded")
	}
	return models.Models[0].ID
}
