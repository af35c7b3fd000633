package arena

// What the read model answers about the accounts' activity: the rows the
// store maintains (hourly and daily roll-ups, trade statistics) in the
// shapes the API's procedures compute with.

// Activity is what a model did over some time: trades closed (net PnL is
// realized − fees + funding; resets are not trades) and decisions finished.
type Activity struct {
	Trades, Wins, Losses, Longs        int
	NetPnL, GrossPnL, WinPnL, LossPnL  Fixed // LossPnL ≤ 0
	Fees, Funding                      Fixed // Funding: received (+) or paid (−)
	Invocations                        int   // finished decisions
	FailedInvocations                  int   // the decision failed as a whole
	ToolFailedInvocations              int   // at least one tool call failed
	FailedAny                          int   // either
	InputTokens, OutputTokens, Latency int64 // Latency: Σ milliseconds
	CostUSD                            Fixed // LLM cost
}

// TradeStats are distribution statistics of a model's closed trades. Sizes
// are quantity × entry price in USD, holds in minutes, confidence a
// fraction; the leverage and confidence figures cover only the trades that
// recorded one (LeverageCount, ConfidenceCount).
type TradeStats struct {
	Trades                                         int
	BiggestWin, BiggestLoss                        Fixed
	AvgSize, MedianSize, MaxSize                   float64
	AvgHold, MedianHold, MaxHold                   float64
	LeverageCount                                  int
	AvgLeverage, MedianLeverage, MaxLeverage       float64
	ConfidenceCount                                int
	AvgConfidence, MedianConfidence, MaxConfidence float64
}

// CompletedTrade is a closed trade with the invocation that closed it.
type CompletedTrade struct {
	Position // closed
	// InvocationID is the decision whose closePosition call closed the
	// trade: the model's successful CLOSE_POSITION tool call nearest to the
	// close within a couple of minutes (the store matches them by time). "" for closes no decision asked for
	// (stop, target, liquidation).
	InvocationID string
}
