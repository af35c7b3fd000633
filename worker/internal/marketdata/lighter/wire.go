package lighter

// Wire shapes of the Lighter API, only the fields used. Prices and sizes
// are exact decimals; statistics are numbers.

// restStatus is the envelope every REST response carries (200 = OK).
type restStatus struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type restDetails struct {
	restStatus
	OrderBookDetails []restDetail `json:"order_book_details"`
}

type restDetail struct {
	Symbol                    string  `json:"symbol"`
	MarketID                  int64   `json:"market_id"`
	MarketType                string  `json:"market_type"` // "perp" or "spot"; absent on older servers
	Status                    string  `json:"status"`      // active, inactive, frozen
	TakerFee                  number  `json:"taker_fee"`   // percent
	MakerFee                  number  `json:"maker_fee"`   // percent
	LiquidationFee            number  `json:"liquidation_fee"`
	MinBaseAmount             decimal `json:"min_base_amount"`
	SizeDecimals              int     `json:"size_decimals"`
	PriceDecimals             int     `json:"price_decimals"`
	DefaultInitialMarginFrac  int64   `json:"default_initial_margin_fraction"` // 10000 = 100%
	MinInitialMarginFraction  int64   `json:"min_initial_margin_fraction"`
	MaintenanceMarginFraction int64   `json:"maintenance_margin_fraction"`
	LastTradePrice            number  `json:"last_trade_price"`
	DailyQuoteTokenVolume     number  `json:"daily_quote_token_volume"`
	DailyPriceChange          number  `json:"daily_price_change"` // percent
	OpenInterest              number  `json:"open_interest"`      // base units
}

// restCandles is /api/v1/candles: {"code":200,"r":"5m","c":[…]}. Zero
// fields are omitted by the server.
type restCandles struct {
	restStatus
	Resolution string       `json:"r"`
	Candles    []restCandle `json:"c"`
}

// restCandle declares the upper-case raw and quote fields too, so that
// encoding/json's case-insensitive matching cannot put "C" (close_raw) or
// "V" (quote volume) into the lower-case fields.
type restCandle struct {
	T           int64   `json:"t"` // bar start, ms
	O           float64 `json:"o"`
	H           float64 `json:"h"`
	L           float64 `json:"l"`
	C           float64 `json:"c"`
	V           float64 `json:"v"` // base volume
	QuoteVolume float64 `json:"V"`
	LastTradeID int64   `json:"i"`
	RawO        float64 `json:"O"`
	RawH        float64 `json:"H"`
	RawL        float64 `json:"L"`
	RawC        float64 `json:"C"`
}

type restFundings struct {
	restStatus
	Fundings []restFunding `json:"fundings"`
}

type restFunding struct {
	Timestamp int64  `json:"timestamp"` // seconds
	Rate      number `json:"rate"`      // fraction per hour, unsigned
	Direction string `json:"direction"` // who pays: "long" or "short"
}

// wsMessage is any stream message; which fields are set depends on Type.
type wsMessage struct {
	Type        string    `json:"type"`
	Channel     string    `json:"channel"`
	Timestamp   int64     `json:"timestamp"` // ms
	OrderBook   wsBook    `json:"order_book"`
	Trades      []wsTrade `json:"trades"`
	MarketStats wsStats   `json:"market_stats"`
	Error       *wsError  `json:"error"`
}

type wsBook struct {
	Asks          []wsLevel `json:"asks"`
	Bids          []wsLevel `json:"bids"`
	Nonce         int64     `json:"nonce"`
	BeginNonce    int64     `json:"begin_nonce"`
	LastUpdatedAt int64     `json:"last_updated_at"` // µs
}

type wsLevel struct {
	Price decimal `json:"price"`
	Size  decimal `json:"size"` // absolute; 0 deletes
}

type wsTrade struct {
	TradeID    int64   `json:"trade_id"`
	Type       string  `json:"type"` // trade, liquidation, deleverage, market-settlement
	MarketID   int64   `json:"market_id"`
	Size       decimal `json:"size"`
	Price      decimal `json:"price"`
	IsMakerAsk bool    `json:"is_maker_ask"` // the resting order was the ask: the taker bought
	Timestamp  int64   `json:"timestamp"`
}

type wsStats struct {
	MarketID           int64   `json:"market_id"`
	IndexPrice         number  `json:"index_price"`
	MarkPrice          number  `json:"mark_price"`
	OpenInterest       number  `json:"open_interest"`
	LastTradePrice     number  `json:"last_trade_price"`
	CurrentFundingRate *number `json:"current_funding_rate"` // percent per hour, this hour's estimate
	FundingRate        number  `json:"funding_rate"`         // percent per hour, last settled
	FundingTimestamp   int64   `json:"funding_timestamp"`
	DailyQuoteVolume   number  `json:"daily_quote_token_volume"`
	DailyPriceChange   number  `json:"daily_price_change"` // percent
}

type wsError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// reset clears m for reuse, keeping slice capacity (encoding/json decodes
// into existing elements without zeroing them, so they are cleared too).
func (m *wsMessage) reset() {
	asks, bids, trades := m.OrderBook.Asks, m.OrderBook.Bids, m.Trades
	clear(asks[:cap(asks)])
	clear(bids[:cap(bids)])
	clear(trades[:cap(trades)])
	*m = wsMessage{OrderBook: wsBook{Asks: asks[:0], Bids: bids[:0]}, Trades: trades[:0]}
}
