package live

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/coder/websocket"

	"github.com/autonome-go/autonome/shared/retry"
	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
)

// stream follows an account's account_all WebSocket channel, authenticated
// with an auth token from the signer. After every (re)connection, before
// reading the first update, it calls connected, which resynchronises over
// REST (trades missed while disconnected, then a reconciliation).
type stream struct {
	url       string
	account   int64
	token     func() (string, error)
	trade     func(context.Context, venue.Trade) error
	connected func(context.Context) error
	down      func() // the connection ended
	log       *slog.Logger
}

// Run follows the channel until ctx ends, reconnecting with a jittered,
// capped backoff that restarts once a connection has worked.
func (s *stream) Run(ctx context.Context) error {
	backoff := retry.Backoff{Min: 100 * time.Millisecond, Max: 10 * time.Second}
	for {
		worked, err := s.session(ctx)
		s.down()
		if ctx.Err() != nil {
			return nil
		}
		if worked {
			backoff.Reset()
		}
		wait := backoff.Next()
		s.log.Warn("lighter account stream ended; reconnecting", "account", s.account, "err", err, "in", wait)
		if retry.Sleep(ctx, wait) != nil {
			return nil
		}
	}
}

func (s *stream) session(ctx context.Context) (worked bool, err error) {
	token, err := s.token()
	if err != nil {
		return false, err
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	conn, _, err := websocket.Dial(dctx, s.url, nil)
	cancel()
	if err != nil {
		return false, fmt.Errorf("dial %s: %w", s.url, err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(8 << 20)
	sub, _ := json.Marshal(venue.Subscribe{Type: "subscribe", Channel: venue.AccountChannel(s.account), Auth: token})
	if err := conn.Write(ctx, websocket.MessageText, sub); err != nil {
		return false, fmt.Errorf("subscribe: %w", err)
	}
	first := true
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return !first, fmt.Errorf("read: %w", err)
		}
		var u venue.AccountUpdate
		if err := json.Unmarshal(data, &u); err != nil {
			return !first, fmt.Errorf("decode account update: %w", err)
		}
		if first {
			if u.Type != "subscribed/account_all" {
				return false, fmt.Errorf("subscription refused: %s", data)
			}
			first = false
			if err := s.connected(ctx); err != nil {
				return true, fmt.Errorf("resynchronise: %w", err)
			}
		}
		for _, t := range tradesOf(u) {
			if err := s.trade(ctx, t); err != nil {
				return true, err
			}
		}
	}
}

// tradesOf returns an update's trades in trade id order.
func tradesOf(u venue.AccountUpdate) []venue.Trade {
	var out []venue.Trade
	for _, ts := range u.Trades {
		out = append(out, ts...)
	}
	slices.SortFunc(out, func(a, b venue.Trade) int { return cmp.Compare(a.TradeID, b.TradeID) })
	return out
}
