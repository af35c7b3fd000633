package arena

import "time"

// Level is one aggregated price level of an order book.
type Level struct {
	Price Fixed `json:"price"`
	Size  Fixed `json:"size"` // base units resting at Price; 0 in a delta deletes the level
}

// BookUpdate is one message of a market-data feed about an L2 book. A
// snapshot replaces the whole book; a delta sets the listed levels to their
// absolute sizes (size 0 deletes). Bids are best (highest) first and asks best
// (lowest) first in snapshots; deltas may list levels in any order.
type BookUpdate struct {
	Symbol   Symbol    `json:"symbol"`
	Time     time.Time `json:"time"`     // venue timestamp
	Seq      uint64    `json:"seq"`      // venue sequence (Lighter nonce); 0 when the feed has none
	Snapshot bool      `json:"snapshot"` // true: replaces the book
	Bids     []Level   `json:"bids"`
	Asks     []Level   `json:"asks"`
}

// TradePrint is a trade that happened on the venue (not one of ours).
type TradePrint struct {
	Symbol   Symbol    `json:"symbol"`
	Time     time.Time `json:"time"`
	Price    Fixed     `json:"price"`
	Size     Fixed     `json:"size"`
	TakerBuy bool      `json:"takerBuy"` // the aggressor bought (lifted the ask)
}

// MarketStats carries the venue's mark price and funding information.
type MarketStats struct {
	Symbol       Symbol    `json:"symbol"`
	Time         time.Time `json:"time"`
	MarkPrice    Fixed     `json:"markPrice"`
	IndexPrice   Fixed     `json:"indexPrice"`
	FundingRate  Fixed     `json:"fundingRate"` // fraction per hour; positive: longs pay shorts
	OpenInterest Fixed     `json:"openInterest"`
	DailyVolume  Fixed     `json:"dailyVolume"` // quote (USD) volume over the last 24 h
	DailyChange  Fixed     `json:"dailyChange"` // percent
}

// Candle is an OHLCV bar. Candle values are statistics for indicators and
// prompts, not ledger amounts, so they are float64.
type Candle struct {
	Start  time.Time `json:"start"`
	Open   float64   `json:"open"`
	High   float64   `json:"high"`
	Low    float64   `json:"low"`
	Close  float64   `json:"close"`
	Volume float64   `json:"volume"` // base units
}

// Price is a symbol's latest mid price as shown to users and agents.
type Price struct {
	Symbol Symbol    `json:"symbol"`
	Price  Fixed     `json:"price"`
	Time   time.Time `json:"time"`
}
