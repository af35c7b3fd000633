package venue

// The wire types mirror the venue's OpenAPI definitions (names in comments);
// only the fields live trading reads are declared.

// NextNonce is GET /api/v1/nextNonce.
type NextNonce struct {
	Code    int32  `json:"code"`
	Message string `json:"message,omitempty"`
	Nonce   int64  `json:"nonce"`
}

// RespSendTx is POST /api/v1/sendTx.
type RespSendTx struct {
	Code                     int32  `json:"code"`
	Message                  string `json:"message,omitempty"`
	TxHash                   string `json:"tx_hash"`
	PredictedExecutionTimeMs int64  `json:"predicted_execution_time_ms"`
	VolumeQuotaRemaining     int64  `json:"volume_quota_remaining"`
}

// DetailedAccounts is GET /api/v1/account.
type DetailedAccounts struct {
	Code     int32             `json:"code"`
	Message  string            `json:"message,omitempty"`
	Total    int64             `json:"total"`
	Accounts []DetailedAccount `json:"accounts"`
}

// DetailedAccount is one account with its positions.
type DetailedAccount struct {
	Index            int64             `json:"index"`
	AccountIndex     int64             `json:"account_index"`
	AvailableBalance string            `json:"available_balance"`
	Collateral       string            `json:"collateral"`
	TotalAssetValue  string            `json:"total_asset_value"`
	Positions        []AccountPosition `json:"positions"`
}

// AccountPosition is a position; Sign is 1 long, -1 short; Position is the
// unsigned size.
type AccountPosition struct {
	MarketID              int16  `json:"market_id"`
	Symbol                string `json:"symbol"`
	InitialMarginFraction string `json:"initial_margin_fraction"`
	OpenOrderCount        int64  `json:"open_order_count"`
	Sign                  int32  `json:"sign"`
	Position              string `json:"position"`
	AvgEntryPrice         string `json:"avg_entry_price"`
	PositionValue         string `json:"position_value"`
	UnrealizedPnl         string `json:"unrealized_pnl"`
	RealizedPnl           string `json:"realized_pnl"`
	LiquidationPrice      string `json:"liquidation_price"`
	MarginMode            int32  `json:"margin_mode"`
	AllocatedMargin       string `json:"allocated_margin"`
}

// OrderBookDetails is GET /api/v1/orderBookDetails.
type OrderBookDetails struct {
	Code             int32                  `json:"code"`
	Message          string                 `json:"message,omitempty"`
	OrderBookDetails []PerpsOrderBookDetail `json:"order_book_details"`
}

// PerpsOrderBookDetail describes a perpetual market: prices are integers in
// units of 10^-PriceDecimals, sizes in units of 10^-SizeDecimals.
type PerpsOrderBookDetail struct {
	Symbol                       string `json:"symbol"`
	MarketID                     int16  `json:"market_id"`
	Status                       string `json:"status"`
	MinBaseAmount                string `json:"min_base_amount"`
	MinQuoteAmount               string `json:"min_quote_amount"`
	SizeDecimals                 uint8  `json:"size_decimals"`
	PriceDecimals                uint8  `json:"price_decimals"`
	DefaultInitialMarginFraction uint16 `json:"default_initial_margin_fraction"`
	MinInitialMarginFraction     uint16 `json:"min_initial_margin_fraction"`
	MarkPrice                    string `json:"mark_price"`
}

// Orders is GET /api/v1/accountActiveOrders.
type Orders struct {
	Code    int32   `json:"code"`
	Message string  `json:"message,omitempty"`
	Orders  []Order `json:"orders"`
}

// Order is an order on the book.
type Order struct {
	OrderIndex          int64  `json:"order_index"`
	ClientOrderIndex    int64  `json:"client_order_index"`
	MarketIndex         int16  `json:"market_index"`
	InitialBaseAmount   string `json:"initial_base_amount"`
	RemainingBaseAmount string `json:"remaining_base_amount"`
	FilledBaseAmount    string `json:"filled_base_amount"`
	Price               string `json:"price"`
	IsAsk               bool   `json:"is_ask"`
	Type                string `json:"type"`
	ReduceOnly          bool   `json:"reduce_only"`
	TriggerPrice        string `json:"trigger_price"`
	Status              string `json:"status"`
}

// ResultCode is the envelope every response carries; Code 200 is success.
type ResultCode struct {
	Code    int32  `json:"code"`
	Message string `json:"message,omitempty"`
}

// Trades is GET /api/v1/trades.
type Trades struct {
	Code       int32   `json:"code"`
	Message    string  `json:"message,omitempty"`
	NextCursor string  `json:"next_cursor"`
	Trades     []Trade `json:"trades"`
}

// Trade is one execution. Size and Price are decimal strings; TakerFee and
// MakerFee are fee rates in millionths (an assumption: the document gives
// only their type); the client ids are the orders' client order indexes.
type Trade struct {
	TradeID      int64  `json:"trade_id"`
	Type         string `json:"type"`
	MarketID     int16  `json:"market_id"`
	Size         string `json:"size"`
	Price        string `json:"price"`
	USDAmount    string `json:"usd_amount"`
	AskID        int64  `json:"ask_id"`
	BidID        int64  `json:"bid_id"`
	AskClientID  int64  `json:"ask_client_id"`
	BidClientID  int64  `json:"bid_client_id"`
	AskAccountID int64  `json:"ask_account_id"`
	BidAccountID int64  `json:"bid_account_id"`
	IsMakerAsk   bool   `json:"is_maker_ask"`
	Timestamp    int64  `json:"timestamp"`
	TakerFee     int32  `json:"taker_fee"`
	MakerFee     int32  `json:"maker_fee"`
}

// AccountUpdate is a message of the account_all/{account} WebSocket channel
// ("subscribed/account_all" then "update/account_all"): trades by market id.
// Its shape follows the venue's WebSocket documentation, which is not part of
// the OpenAPI document, and is not verified against the real venue here.
type AccountUpdate struct {
	Type    string             `json:"type"`
	Channel string             `json:"channel"`
	Account int64              `json:"account"`
	Trades  map[string][]Trade `json:"trades"`
}

// Subscribe is the WebSocket subscription request.
type Subscribe struct {
	Type    string `json:"type"` // "subscribe"
	Channel string `json:"channel"`
	Auth    string `json:"auth,omitempty"`
}

// PositionFundings is the answer of GET /api/v1/positionFunding.
type PositionFundings struct {
	Code             int32             `json:"code"`
	Message          string            `json:"message,omitempty"`
	PositionFundings []PositionFunding `json:"position_fundings"`
	NextCursor       string            `json:"next_cursor"`
}

// PositionFunding is one funding payment on a position. Change is what
// the account received (+) or paid (−) in USDC, and Rate the funding rate,
// both decimal strings (the document does not say the sign convention of
// Change: we read it as the account's cash change, the way the venue's
// own interface shows it); FundingID identifies the payment.
type PositionFunding struct {
	Timestamp    int64  `json:"timestamp"`
	MarketID     int16  `json:"market_id"`
	FundingID    int64  `json:"funding_id"`
	Change       string `json:"change"`
	Rate         string `json:"rate"`
	PositionSize string `json:"position_size"`
	PositionSide string `json:"position_side"`
	Discount     string `json:"discount"`
}
