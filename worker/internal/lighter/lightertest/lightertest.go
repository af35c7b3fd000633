// Package lightertest is a fake Lighter venue for tests: it serves the REST
// endpoints live trading uses (the shapes of package venue), verifies every
// transaction's signature with our verifier under the registered API key,
// enforces nonces, fills market orders at a scripted mark price, rests limit
// orders, and can be told to reject nonces or to disagree with the trader
// (so that reconciliation has something to catch).
package lightertest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/lighter/signer"
	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
)

// Chain is the chain id the fake venue verifies signatures under.
const Chain = signer.ChainTestnet

// Venue is the fake. Its zero value is not usable; call New.
type Venue struct {
	Server *httptest.Server

	mu           sync.Mutex
	keys         map[keyID]signer.PublicKey
	nonces       map[keyID]int64
	markets      []venue.PerpsOrderBookDetail
	marks        map[int16]float64         // mark price per market, in quote units
	positions    map[int64]map[int16]int64 // signed base lots
	orders       map[int64][]venue.Order
	leverage     map[int64]map[int16]uint16 // initial margin fraction, 1/10000
	collateral   map[int64]arena.Fixed      // deposits + realized PnL − fees + funding
	equity       map[int64]string           // total asset value when set (SetEquity); else the collateral
	books        map[int64]map[int16]*book
	fundings     map[int64][]venue.PositionFunding
	rejectNonces int
	txs          []Tx
	nextOrder    int64
	trades       []venue.Trade
	depth        map[int16]int64 // lots a market order can take; 0: unlimited
	takerFee     int32           // millionths
	makerFee     int32
	subs         map[*subscriber]bool
	refuse       bool // refuse WebSocket connections (DropConnections)
}

type keyID struct {
	account int64
	apiKey  uint8
}

// Tx is a transaction the fake accepted, in order.
type Tx struct {
	Type int
	Tx   signer.Tx
}

// New starts a fake venue with one market per detail; it stops with the test.
func New(t testing.TB, markets ...venue.PerpsOrderBookDetail) *Venue {
	v := &Venue{keys: map[keyID]signer.PublicKey{}, nonces: map[keyID]int64{}, markets: markets,
		marks: map[int16]float64{}, positions: map[int64]map[int16]int64{}, orders: map[int64][]venue.Order{},
		leverage: map[int64]map[int16]uint16{}, collateral: map[int64]arena.Fixed{}, equity: map[int64]string{},
		books: map[int64]map[int16]*book{}, fundings: map[int64][]venue.PositionFunding{}, nextOrder: 1000,
		depth: map[int16]int64{}, takerFee: 200, makerFee: 20, subs: map[*subscriber]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+venue.PathNextNonce, v.nextNonce)
	mux.HandleFunc("POST "+venue.PathSendTx, v.sendTx)
	mux.HandleFunc("GET "+venue.PathAccount, v.account)
	mux.HandleFunc("GET "+venue.PathOrderBookDetails, v.orderBooks)
	mux.HandleFunc("GET "+venue.PathActiveOrders, v.activeOrders)
	mux.HandleFunc("GET "+venue.PathTrades, v.tradesList)
	mux.HandleFunc("GET "+venue.PathPositionFunding, v.positionFunding)
	mux.HandleFunc("GET /stream", v.stream)
	v.Server = httptest.NewServer(mux)
	t.Cleanup(v.Server.Close)
	return v
}

// Register makes an API key known, with its first nonce and collateral.
func (v *Venue) Register(account int64, apiKey uint8, pub signer.PublicKey, nonce int64, collateral string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.keys[keyID{account, apiKey}] = pub
	v.nonces[keyID{account, apiKey}] = nonce
	v.collateral[account] = arena.MustFixed(collateral)
}

// SetMark sets a market's mark price: market orders fill there, and resting
// limit and trigger orders that it reaches fill at it.
func (v *Venue) SetMark(market int16, price float64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.marks[market] = price
	v.sweep(market)
}

// RejectNonces makes the next n transactions fail as if their nonce were
// stale, and moves the expected nonce on (as another client would).
func (v *Venue) RejectNonces(n int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.rejectNonces = n
}

// SetEquity sets an account's available balance and total asset value (an
// unrealized loss or gain); its collateral keeps following its trades.
func (v *Venue) SetEquity(account int64, value string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.equity[account] = value
}

// SetCollateral overwrites an account's collateral: the venue disagrees
// with the ledger about cash.
func (v *Venue) SetCollateral(account int64, value string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.collateral[account] = arena.MustFixed(value)
}

// Collateral returns an account's collateral.
func (v *Venue) Collateral(account int64) arena.Fixed {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.collateral[account]
}

// SetPosition overwrites a position (signed lots): the venue disagrees.
func (v *Venue) SetPosition(account int64, market int16, lots int64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.pos(account)[market] = lots
}

// Position returns a position in signed lots.
func (v *Venue) Position(account int64, market int16) int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.pos(account)[market]
}

// Leverage returns the initial margin fraction set for a market (0 if never).
func (v *Venue) Leverage(account int64, market int16) uint16 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.leverage[account][market]
}

// Txs returns the accepted transactions in order.
func (v *Venue) Txs() []Tx {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]Tx(nil), v.txs...)
}

// OpenOrders returns an account's resting orders.
func (v *Venue) OpenOrders(account int64) []venue.Order {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]venue.Order(nil), v.orders[account]...)
}

func (v *Venue) pos(account int64) map[int16]int64 {
	if v.positions[account] == nil {
		v.positions[account] = map[int16]int64{}
	}
	return v.positions[account]
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func fail(w http.ResponseWriter, code int32, msg string) {
	reply(w, http.StatusBadRequest, venue.ResultCode{Code: code, Message: msg})
}

func qInt(r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return n, err == nil
}

func (v *Venue) nextNonce(w http.ResponseWriter, r *http.Request) {
	a, ok1 := qInt(r, "account_index")
	k, ok2 := qInt(r, "api_key_index")
	v.mu.Lock()
	n, ok3 := v.nonces[keyID{a, uint8(k)}]
	v.mu.Unlock()
	if !ok1 || !ok2 || !ok3 {
		fail(w, 21100, "unknown account or api key")
		return
	}
	reply(w, http.StatusOK, venue.NextNonce{Code: 200, Nonce: n})
}

func (v *Venue) orderBooks(w http.ResponseWriter, _ *http.Request) {
	reply(w, http.StatusOK, venue.OrderBookDetails{Code: 200, OrderBookDetails: v.markets})
}

func (v *Venue) account(w http.ResponseWriter, r *http.Request) {
	a, ok := qInt(r, "value")
	if !ok || r.URL.Query().Get("by") != "index" {
		fail(w, 21100, "bad account query")
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	eq := v.equity[a]
	if eq == "" {
		eq = v.collateral[a].String()
	}
	acc := venue.DetailedAccount{Index: a, AccountIndex: a, Collateral: v.collateral[a].String(), AvailableBalance: eq,
		TotalAssetValue: eq}
	for m, lots := range v.pos(a) {
		if lots == 0 {
			continue
		}
		d := v.detail(m)
		sign := int32(1)
		if lots < 0 {
			sign = -1
		}
		acc.Positions = append(acc.Positions, venue.AccountPosition{MarketID: m, Symbol: d.Symbol, Sign: sign,
			Position: strconv.FormatFloat(float64(abs(lots))/math.Pow10(int(d.SizeDecimals)), 'f', int(d.SizeDecimals), 64)})
	}
	reply(w, http.StatusOK, venue.DetailedAccounts{Code: 200, Total: 1, Accounts: []venue.DetailedAccount{acc}})
}

func (v *Venue) activeOrders(w http.ResponseWriter, r *http.Request) {
	a, _ := qInt(r, "account_index")
	m, _ := qInt(r, "market_id")
	auth := r.URL.Query().Get("auth")
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.checkAuth(auth, a); err != nil {
		fail(w, 20013, err.Error())
		return
	}
	out := venue.Orders{Code: 200, Orders: []venue.Order{}}
	for _, o := range v.orders[a] {
		if int64(o.MarketIndex) == m {
			out.Orders = append(out.Orders, o)
		}
	}
	reply(w, http.StatusOK, out)
}

func (v *Venue) detail(m int16) venue.PerpsOrderBookDetail {
	for _, d := range v.markets {
		if d.MarketID == m {
			return d
		}
	}
	return venue.PerpsOrderBookDetail{}
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func (v *Venue) sendTx(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		fail(w, 21100, "sendTx wants multipart/form-data")
		return
	}
	typ, err := strconv.Atoi(r.FormValue("tx_type"))
	if err != nil {
		fail(w, 21100, "bad tx_type")
		return
	}
	tx, sig, err := signer.ParseTx(typ, r.FormValue("tx_info"))
	if err != nil {
		fail(w, 21100, err.Error())
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	h := header(tx)
	id := keyID{h.AccountIndex, h.ApiKeyIndex}
	pub, ok := v.keys[id]
	if !ok {
		fail(w, 21100, "unknown api key")
		return
	}
	if err := signer.Verify(pub, tx.Hash(Chain), sig); err != nil {
		fail(w, 21120, "invalid signature")
		return
	}
	if v.rejectNonces > 0 {
		v.rejectNonces--
		v.nonces[id] += 3 // another client used some
		fail(w, 21104, "invalid nonce")
		return
	}
	if h.Nonce != v.nonces[id] {
		fail(w, 21104, fmt.Sprintf("invalid nonce: got %d, want %d", h.Nonce, v.nonces[id]))
		return
	}
	if msg := v.apply(typ, tx); msg != "" {
		fail(w, 21700, msg)
		return
	}
	v.nonces[id]++
	v.txs = append(v.txs, Tx{Type: typ, Tx: tx})
	reply(w, http.StatusOK, venue.RespSendTx{Code: 200, TxHash: fmt.Sprintf("%x", tx.Hash(Chain))})
}

func header(tx signer.Tx) signer.Header {
	switch t := tx.(type) {
	case signer.CreateOrder:
		return t.Header
	case signer.CancelOrder:
		return t.Header
	case signer.CancelAll:
		return t.Header
	case signer.UpdateLeverage:
		return t.Header
	}
	return signer.Header{}
}

// apply executes an accepted transaction; a non-empty result rejects it.
func (v *Venue) apply(typ int, tx signer.Tx) string {
	switch t := tx.(type) {
	case signer.UpdateLeverage:
		if v.leverage[t.AccountIndex] == nil {
			v.leverage[t.AccountIndex] = map[int16]uint16{}
		}
		v.leverage[t.AccountIndex][int16(t.MarketIndex)] = t.InitialMarginFraction
	case signer.CancelAll:
		v.orders[t.AccountIndex] = nil
	case signer.CancelOrder:
		kept := v.orders[t.AccountIndex][:0]
		found := false
		for _, o := range v.orders[t.AccountIndex] {
			if int64(o.MarketIndex) == int64(t.MarketIndex) && (o.OrderIndex == t.Index || o.ClientOrderIndex == t.Index) {
				found = true
				continue
			}
			kept = append(kept, o)
		}
		v.orders[t.AccountIndex] = kept
		if !found {
			return "order not found"
		}
	case signer.CreateOrder:
		return v.create(t)
	}
	return ""
}

func (v *Venue) create(t signer.CreateOrder) string {
	m := int16(t.MarketIndex)
	d := v.detail(m)
	if d.Symbol == "" {
		return "unknown market"
	}
	for _, o := range v.orders[t.AccountIndex] {
		if o.ClientOrderIndex == t.ClientOrderIndex {
			return "duplicate client order index"
		}
	}
	lots := t.BaseAmount
	if t.IsAsk {
		lots = -lots
	}
	p := v.pos(t.AccountIndex)
	if t.ReduceOnly {
		if p[m] == 0 || (p[m] > 0) == (lots > 0) {
			return "reduce-only order would increase the position"
		}
		if abs(lots) > abs(p[m]) {
			lots = -p[m]
		}
	}
	mark := int64(math.Round(v.marks[m] * math.Pow10(int(d.PriceDecimals))))
	crosses := (t.IsAsk && int64(t.Price) <= mark) || (!t.IsAsk && int64(t.Price) >= mark)
	switch {
	case t.Type == signer.OrderMarket || (t.Type == signer.OrderLimit && crosses):
		if !crosses {
			return "market order price bound not reached"
		}
		if d := v.depth[m]; d > 0 && abs(lots) > d { // the scripted book runs out: the rest is cancelled
			lots = lots / abs(lots) * d
		}
		v.nextOrder++
		v.fill(t.AccountIndex, m, t.IsAsk, t.ClientOrderIndex, v.nextOrder, abs(lots), false)
	default: // resting limit or untriggered stop/take-profit
		v.nextOrder++
		v.orders[t.AccountIndex] = append(v.orders[t.AccountIndex], venue.Order{OrderIndex: v.nextOrder,
			ClientOrderIndex: t.ClientOrderIndex, MarketIndex: m, IsAsk: t.IsAsk, ReduceOnly: t.ReduceOnly,
			Price: strconv.FormatInt(int64(t.Price), 10), TriggerPrice: strconv.FormatInt(int64(t.TriggerPrice), 10),
			InitialBaseAmount: strconv.FormatInt(t.BaseAmount, 10), RemainingBaseAmount: strconv.FormatInt(t.BaseAmount, 10),
			Status: "open", Type: strconv.Itoa(int(t.Type))})
	}
	return ""
}

// checkAuth verifies an auth token ("deadline:account:apikey:sighex").
func (v *Venue) checkAuth(token string, account int64) error {
	var dl, acc int64
	var key int
	var sigHex string
	if _, err := fmt.Sscanf(replaceColons(token), "%d %d %d %s", &dl, &acc, &key, &sigHex); err != nil || acc != account {
		return fmt.Errorf("bad auth token")
	}
	pub, ok := v.keys[keyID{acc, uint8(key)}]
	if !ok {
		return fmt.Errorf("unknown api key")
	}
	var sig signer.Signature
	if b, err := hex.DecodeString(sigHex); err != nil || len(b) != len(sig) {
		return fmt.Errorf("bad auth signature")
	} else {
		copy(sig[:], b)
	}
	msg := fmt.Sprintf("%d:%d:%d", dl, acc, key)
	return signer.Verify(pub, signer.HashBytes([]byte(msg)), sig)
}

func replaceColons(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == ':' {
			b[i] = ' '
		}
	}
	return string(b)
}
