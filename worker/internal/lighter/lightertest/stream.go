package lightertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"net/http"

	"github.com/coder/websocket"

	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
)

// subscriber is one WebSocket connection subscribed to an account channel.
type subscriber struct {
	account int64
	out     chan venue.AccountUpdate // bounded; a slow subscriber is dropped
	conn    *websocket.Conn
}

// WSURL is the fake's WebSocket stream address.
func (v *Venue) WSURL() string { return "ws" + strings.TrimPrefix(v.Server.URL, "http") + "/stream" }

// DropConnections closes every open WebSocket connection, as a venue
// restart or a network failure would, and refuses new ones until
// AcceptConnections: trades meanwhile are only in the REST trade list.
func (v *Venue) DropConnections() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.refuse = true
	for s := range v.subs {
		s.conn.CloseNow()
		delete(v.subs, s)
	}
}

// AcceptConnections lets clients connect again after DropConnections.
func (v *Venue) AcceptConnections() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.refuse = false
}

// Subscribers counts the open account subscriptions.
func (v *Venue) Subscribers() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.subs)
}

// publish streams a trade to an account's subscribers (v.mu held).
func (v *Venue) publish(account int64, t venue.Trade) {
	u := venue.AccountUpdate{Type: "update/account_all", Channel: "account_all:" + strconv.FormatInt(account, 10),
		Account: account, Trades: map[string][]venue.Trade{strconv.Itoa(int(t.MarketID)): {t}}}
	for s := range v.subs {
		if s.account != account {
			continue
		}
		select {
		case s.out <- u:
		default:
			s.conn.CloseNow()
			delete(v.subs, s)
		}
	}
}

// stream serves /stream: one account_all subscription per connection,
// authenticated with an auth token, then every trade of the account.
func (v *Venue) stream(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	refuse := v.refuse
	v.mu.Unlock()
	if refuse {
		http.Error(w, "venue unavailable", http.StatusServiceUnavailable)
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s, err := v.subscribe(ctx, conn)
	if err != nil {
		_ = conn.Close(websocket.StatusPolicyViolation, err.Error())
		return
	}
	defer func() {
		v.mu.Lock()
		delete(v.subs, s)
		v.mu.Unlock()
	}()
	go func() { // the client only reads; notice it going away
		_, _, _ = conn.Read(ctx)
		cancel()
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case u := <-s.out:
			if err := write(ctx, conn, u); err != nil {
				return
			}
		}
	}
}

func (v *Venue) subscribe(ctx context.Context, conn *websocket.Conn) (*subscriber, error) {
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, data, err := conn.Read(rctx)
	if err != nil {
		return nil, err
	}
	var req venue.Subscribe
	if err := json.Unmarshal(data, &req); err != nil || req.Type != "subscribe" || !strings.HasPrefix(req.Channel, "account_all/") {
		return nil, fmt.Errorf("expected an account_all subscription")
	}
	account, err := strconv.ParseInt(strings.TrimPrefix(req.Channel, "account_all/"), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("bad channel %q", req.Channel)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.checkAuth(req.Auth, account); err != nil {
		return nil, err
	}
	s := &subscriber{account: account, out: make(chan venue.AccountUpdate, 256), conn: conn}
	v.subs[s] = true
	s.out <- venue.AccountUpdate{Type: "subscribed/account_all", Channel: "account_all:" + strconv.FormatInt(account, 10),
		Account: account, Trades: map[string][]venue.Trade{}}
	return s, nil
}

func write(ctx context.Context, conn *websocket.Conn, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return conn.Write(wctx, websocket.MessageText, b)
}
