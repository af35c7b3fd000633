package signer

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Transaction type codes as the venue hashes them.
const (
	TxTypeCreateOrder    = 14
	TxTypeCancelOrder    = 15
	TxTypeCancelAll      = 16
	TxTypeUpdateLeverage = 20
)

// Order types.
const (
	OrderLimit           = 0
	OrderMarket          = 1
	OrderStopLoss        = 2
	OrderStopLossLimit   = 3
	OrderTakeProfit      = 4
	OrderTakeProfitLimit = 5
)

// Time in force.
const (
	ImmediateOrCancel = 0
	GoodTillTime      = 1
	PostOnly          = 2
)

// Chain identifiers the venue signs with.
const (
	ChainMainnet = 304
	ChainTestnet = 300
)

// Header is common to every transaction: who signs, with which nonce, and
// until when (milliseconds since the epoch) the venue may accept it.
type Header struct {
	AccountIndex int64
	ApiKeyIndex  uint8
	ExpiredAt    int64
	Nonce        int64
}

func (h Header) prefix(chainID uint32, txType uint32) []felt {
	return []felt{felt(chainID), felt(txType), fromInt64(h.Nonce), fromInt64(h.ExpiredAt),
		fromInt64(h.AccountIndex), felt(h.ApiKeyIndex)}
}

// fromInt64 maps an integer to GF(p) by its 64-bit pattern, as the venue does.
func fromInt64(v int64) felt { return newFelt(uint64(v)) }

// CreateOrder places an order. Price and TriggerPrice are in the market's
// price ticks, BaseAmount in its size lots. OrderExpiry is in milliseconds
// (0 for IOC orders).
type CreateOrder struct {
	Header
	MarketIndex      uint16
	ClientOrderIndex int64
	BaseAmount       int64
	Price            uint32
	IsAsk            bool
	Type             uint8
	TimeInForce      uint8
	ReduceOnly       bool
	TriggerPrice     uint32
	OrderExpiry      int64
}

// Hash is the message the venue signs for this order.
func (t CreateOrder) Hash(chainID uint32) Hash {
	in := append(t.prefix(chainID, TxTypeCreateOrder),
		felt(t.MarketIndex), fromInt64(t.ClientOrderIndex), fromInt64(t.BaseAmount), felt(t.Price),
		boolFelt(t.IsAsk), felt(t.Type), felt(t.TimeInForce), boolFelt(t.ReduceOnly), felt(t.TriggerPrice),
		fromInt64(t.OrderExpiry))
	return Hash(hashToFp5(in).bytes())
}

// CancelOrder cancels one order by its index on the venue (or its client order
// index).
type CancelOrder struct {
	Header
	MarketIndex uint16
	Index       int64
}

// Hash is the message the venue signs for this cancel.
func (t CancelOrder) Hash(chainID uint32) Hash {
	in := append(t.prefix(chainID, TxTypeCancelOrder), felt(t.MarketIndex), fromInt64(t.Index))
	return Hash(hashToFp5(in).bytes())
}

// CancelAll cancels every open order of the account (TimeInForce 0:
// immediately; Time is then 0).
type CancelAll struct {
	Header
	TimeInForce uint8
	Time        int64
}

// Hash is the message the venue signs for this cancel-all.
func (t CancelAll) Hash(chainID uint32) Hash {
	in := append(t.prefix(chainID, TxTypeCancelAll), felt(t.TimeInForce), fromInt64(t.Time))
	return Hash(hashToFp5(in).bytes())
}

// UpdateLeverage sets a market's initial margin fraction (in 1/10000:
// leverage L is 10000/L) and margin mode (0 cross, 1 isolated).
type UpdateLeverage struct {
	Header
	MarketIndex           uint16
	InitialMarginFraction uint16
	MarginMode            uint8
}

// Hash is the message the venue signs for this leverage update.
func (t UpdateLeverage) Hash(chainID uint32) Hash {
	in := append(t.prefix(chainID, TxTypeUpdateLeverage), felt(t.MarketIndex),
		felt(t.InitialMarginFraction), felt(t.MarginMode))
	return Hash(hashToFp5(in).bytes())
}

func boolFelt(b bool) felt {
	if b {
		return 1
	}
	return 0
}

// AuthMessage is the text an auth token signs: "deadline:account:apikey",
// deadline in Unix seconds.
func AuthMessage(deadline time.Time, account int64, apiKey uint8) string {
	return strconv.FormatInt(deadline.Unix(), 10) + ":" + strconv.FormatInt(account, 10) + ":" + strconv.Itoa(int(apiKey))
}

// HashBytes hashes bytes the way the venue hashes auth messages: 8-byte
// little-endian chunks (the last one zero-padded) as field elements.
func HashBytes(b []byte) Hash {
	in := make([]felt, 0, (len(b)+7)/8)
	for i := 0; i < len(b); i += 8 {
		var v uint64
		for j := min(i+8, len(b)) - 1; j >= i; j-- {
			v = v<<8 | uint64(b[j])
		}
		in = append(in, newFelt(v))
	}
	return Hash(hashToFp5(in).bytes())
}

// AuthToken returns the token for private REST reads and WebSocket channels:
// "deadline:account:apikey:" followed by the hex signature of the message.
func (p *PrivateKey) AuthToken(deadline time.Time, account int64, apiKey uint8) (string, error) {
	msg := AuthMessage(deadline, account, apiKey)
	sig, err := p.Sign(HashBytes([]byte(msg)))
	if err != nil {
		return "", fmt.Errorf("auth token: %w", err)
	}
	return msg + ":" + fmt.Sprintf("%x", sig[:]), nil
}

// txJSON renders the venue's tx_info JSON for a signed transaction.
func txJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("tx info: %w", err)
	}
	return string(b), nil
}

func unmarshalStrict(s string, v any) error {
	d := json.NewDecoder(strings.NewReader(s))
	d.DisallowUnknownFields()
	return d.Decode(v)
}
