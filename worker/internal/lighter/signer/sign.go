package signer

import (
	"encoding/base64"
	"fmt"
)

// Tx is a transaction the venue accepts signed.
type Tx interface {
	// Hash is the message signed under the given chain.
	Hash(chainID uint32) Hash
	// info is the venue's tx_info object carrying sig.
	info(sig Signature) any
}

// SignTx signs tx and returns the venue's tx_info JSON (fields in the venue's
// order, the signature base64 in "Sig") and the hash that was signed.
func (p *PrivateKey) SignTx(chainID uint32, tx Tx) (string, Hash, error) {
	h := tx.Hash(chainID)
	sig, err := p.Sign(h)
	if err != nil {
		return "", h, fmt.Errorf("sign tx: %w", err)
	}
	s, err := txJSON(tx.info(sig))
	return s, h, err
}

func b64(sig Signature) string { return base64.StdEncoding.EncodeToString(sig[:]) }

func bit(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

type createOrderInfo struct {
	AccountIndex     int64
	ApiKeyIndex      uint8
	MarketIndex      uint16
	ClientOrderIndex int64
	BaseAmount       int64
	Price            uint32
	IsAsk            uint8
	Type             uint8
	TimeInForce      uint8
	ReduceOnly       uint8
	TriggerPrice     uint32
	OrderExpiry      int64
	ExpiredAt        int64
	Nonce            int64
	Sig              string
}

func (t CreateOrder) info(sig Signature) any {
	return createOrderInfo{t.AccountIndex, t.ApiKeyIndex, t.MarketIndex, t.ClientOrderIndex, t.BaseAmount,
		t.Price, bit(t.IsAsk), t.Type, t.TimeInForce, bit(t.ReduceOnly), t.TriggerPrice, t.OrderExpiry,
		t.ExpiredAt, t.Nonce, b64(sig)}
}

type cancelOrderInfo struct {
	AccountIndex int64
	ApiKeyIndex  uint8
	MarketIndex  uint16
	Index        int64
	ExpiredAt    int64
	Nonce        int64
	Sig          string
}

func (t CancelOrder) info(sig Signature) any {
	return cancelOrderInfo{t.AccountIndex, t.ApiKeyIndex, t.MarketIndex, t.Index, t.ExpiredAt, t.Nonce, b64(sig)}
}

type cancelAllInfo struct {
	AccountIndex int64
	ApiKeyIndex  uint8
	TimeInForce  uint8
	Time         int64
	ExpiredAt    int64
	Nonce        int64
	Sig          string
}

func (t CancelAll) info(sig Signature) any {
	return cancelAllInfo{t.AccountIndex, t.ApiKeyIndex, t.TimeInForce, t.Time, t.ExpiredAt, t.Nonce, b64(sig)}
}

type updateLeverageInfo struct {
	AccountIndex          int64
	ApiKeyIndex           uint8
	MarketIndex           uint16
	InitialMarginFraction uint16
	MarginMode            uint8
	ExpiredAt             int64
	Nonce                 int64
	Sig                   string
}

func (t UpdateLeverage) info(sig Signature) any {
	return updateLeverageInfo{t.AccountIndex, t.ApiKeyIndex, t.MarketIndex, t.InitialMarginFraction,
		t.MarginMode, t.ExpiredAt, t.Nonce, b64(sig)}
}

// ParseTx reads a venue tx_info JSON of the given type code back into a
// transaction and its signature (the fake venue and the oracle test use it).
func ParseTx(txType int, txInfo string) (Tx, Signature, error) {
	var sig Signature
	var tx Tx
	var sigText string
	var err error
	switch txType {
	case TxTypeCreateOrder:
		var w createOrderInfo
		err = unmarshalStrict(txInfo, &w)
		tx, sigText = CreateOrder{Header{w.AccountIndex, w.ApiKeyIndex, w.ExpiredAt, w.Nonce}, w.MarketIndex,
			w.ClientOrderIndex, w.BaseAmount, w.Price, w.IsAsk == 1, w.Type, w.TimeInForce, w.ReduceOnly == 1,
			w.TriggerPrice, w.OrderExpiry}, w.Sig
	case TxTypeCancelOrder:
		var w cancelOrderInfo
		err = unmarshalStrict(txInfo, &w)
		tx, sigText = CancelOrder{Header{w.AccountIndex, w.ApiKeyIndex, w.ExpiredAt, w.Nonce}, w.MarketIndex, w.Index}, w.Sig
	case TxTypeCancelAll:
		var w cancelAllInfo
		err = unmarshalStrict(txInfo, &w)
		tx, sigText = CancelAll{Header{w.AccountIndex, w.ApiKeyIndex, w.ExpiredAt, w.Nonce}, w.TimeInForce, w.Time}, w.Sig
	case TxTypeUpdateLeverage:
		var w updateLeverageInfo
		err = unmarshalStrict(txInfo, &w)
		tx, sigText = UpdateLeverage{Header{w.AccountIndex, w.ApiKeyIndex, w.ExpiredAt, w.Nonce}, w.MarketIndex,
			w.InitialMarginFraction, w.MarginMode}, w.Sig
	default:
		return nil, sig, fmt.Errorf("parse tx: unsupported type %d", txType)
	}
	if err != nil {
		return nil, sig, fmt.Errorf("parse tx: %w", err)
	}
	b, err := base64.StdEncoding.DecodeString(sigText)
	if err != nil || len(b) != len(sig) {
		return nil, sig, fmt.Errorf("parse tx: signature is not 80 bytes of base64")
	}
	copy(sig[:], b)
	return tx, sig, nil
}
