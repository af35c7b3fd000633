package decision

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// checkOpen applies every argument and risk check to an opening decision.
func (s *Session) checkOpen(d OpenDecision, path string) (Intent, *Rejection) {
	m := s.markets[d.Symbol]
	price := s.prices[d.Symbol]
	if price <= 0 {
		return Intent{}, risk(CodeNoReferencePrice, path, "no current price for %s; risk cannot be checked, so no order", d.Symbol)
	}
	if s.acted[d.Symbol] {
		return Intent{}, oneAction(path, d.Symbol)
	}
	if until := s.cooldowns[d.Symbol]; s.now().Before(until) {
		return Intent{}, risk(CodeCooldown, path, "%s is in a cooldown you set until %s", d.Symbol, until.UTC().Format(time.RFC3339))
	}
	pos, held := PositionIn(&s.account, d.Symbol)
	if held && pos.Side != d.Side {
		return Intent{}, risk(CodeOppositePosition, path, "you hold a %s %s position; close it before opening %s", d.Symbol, pos.Side, d.Side)
	}
	if rej := s.checkShape(d, m, price, path); rej != nil {
		return Intent{}, rej
	}
	if rej := s.checkExposure(d, pos, price, path); rej != nil {
		return Intent{}, rej
	}
	return Intent{
		Kind: IntentOpen, Symbol: d.Symbol, Side: d.Side, Quantity: d.Quantity, Leverage: d.Leverage, RefPrice: price,
		CooldownUntil: d.CooldownUntil,
		ExitPlan: arena.ExitPlan{Stop: d.StopLoss, Target: d.ProfitTarget, Invalidation: d.InvalidationCondition,
			InvalidationPrice: d.InvalidationPrice, TimeExit: d.TimeExit, Confidence: d.Confidence / 100},
	}, nil
}

// checkShape checks size, leverage and the sides of stop and target.
func (s *Session) checkShape(d OpenDecision, m arena.Market, price arena.Fixed, path string) *Rejection {
	if d.Quantity < m.MinSize {
		return invalid(CodeBelowMinSize, join(path, "quantity"), "%s is below the %s minimum order size of %s", d.Quantity, d.Symbol, m.MinSize)
	}
	if d.Leverage < arena.One {
		return invalid(CodeOutOfRange, join(path, "leverage"), "must be at least 1, got %s", d.Leverage)
	}
	maxLev := s.limits.MaxLeverage.Min(m.MaxLeverage())
	if d.Leverage > maxLev {
		return risk(CodeMaxLeverage, join(path, "leverage"), "%sx exceeds the hard limit of %sx", d.Leverage, maxLev)
	}
	below, above := "below", "above"
	if d.Side == arena.Short {
		below, above = above, below
	}
	if d.Side == arena.Long && d.StopLoss >= price || d.Side == arena.Short && d.StopLoss <= price {
		return invalid(CodeStopWrongSide, join(path, "stop_loss"), "a %s stop must be %s the current price %s, got %s", d.Side, below, price, d.StopLoss)
	}
	if p := d.InvalidationPrice; p > 0 && (d.Side == arena.Long && p >= price || d.Side == arena.Short && p <= price) {
		return invalid(CodeStopWrongSide, join(path, "invalidation_price"), "the exchange closes a %s position when the mark crosses it, so it must be %s the current price %s, got %s", d.Side, below, price, p)
	}
	if d.Side == arena.Long && d.ProfitTarget <= price || d.Side == arena.Short && d.ProfitTarget >= price {
		return invalid(CodeTargetWrongSide, join(path, "profit_target"), "a %s target must be %s the current price %s, got %s", d.Side, above, price, d.ProfitTarget)
	}
	return nil
}

// checkExposure applies the account-level limits: risk to stop, gross
// exposure and free cash, counting opens accepted earlier in this turn.
func (s *Session) checkExposure(d OpenDecision, pos arena.PositionSnapshot, price arena.Fixed, path string) *Rejection {
	equity := s.account.Equity
	if equity <= 0 {
		return risk(CodeEquityNotPositive, path, "account equity is %s; no new positions", equity)
	}
	notional, err := d.Quantity.MulChecked(price)
	if err != nil {
		return risk(CodeMaxGrossExposure, join(path, "quantity"), "%s %s is an absurd size", d.Quantity, d.Symbol)
	}
	// The new stop replaces the plan for the whole position, so the risk is
	// the distance to it over everything held after the trade.
	total := d.Quantity + pos.Quantity
	riskUSD, err := (price - d.StopLoss).Abs().MulChecked(total)
	maxRisk := pctOf(equity, s.limits.MaxRiskPerTradePct)
	if err != nil || riskUSD > maxRisk {
		return risk(CodeMaxRiskPerTrade, path, "a stop at %s risks %s USD on %s %s, over the limit of %s%% of equity (%s USD); use a smaller quantity or a closer stop",
			d.StopLoss, usd(riskUSD, err), total, d.Symbol, s.limits.MaxRiskPerTradePct, usd(maxRisk, nil))
	}
	gross, err := GrossExposure(&s.account).AddChecked(s.pendGross)
	if err == nil {
		gross, err = gross.AddChecked(notional)
	}
	maxGross := pctOf(equity, s.limits.MaxGrossExposurePct)
	if err != nil || gross > maxGross {
		return risk(CodeMaxGrossExposure, path, "gross exposure would be %s USD, over the limit of %s%% of equity (%s USD)",
			usd(gross, err), s.limits.MaxGrossExposurePct, usd(maxGross, nil))
	}
	margin := notional.Div(d.Leverage)
	free := s.account.Available - s.pendMargin - margin
	if free < s.limits.MinFreeCash {
		return risk(CodeMinFreeCash, path, "the %s USD margin would leave %s USD of free cash; at least %s USD must stay free",
			usd(margin, nil), usd(free, nil), usd(s.limits.MinFreeCash, nil))
	}
	return nil
}

// checkUpdate checks an exit-plan update against the held position.
func (s *Session) checkUpdate(u ExitPlanUpdate, path string) (Intent, *Rejection) {
	pos, held := PositionIn(&s.account, u.Symbol)
	price := s.prices[u.Symbol]
	switch {
	case s.acted[u.Symbol]:
		return Intent{}, oneAction(path, u.Symbol)
	case !held:
		return Intent{}, invalid(CodeNoPosition, path, "there is no open %s position to update", u.Symbol)
	case price <= 0:
		return Intent{}, risk(CodeNoReferencePrice, path, "no current price for %s; the update cannot be checked", u.Symbol)
	}
	long := pos.Side == arena.Long
	if long && u.NewStopLoss >= price || !long && u.NewStopLoss <= price {
		return Intent{}, invalid(CodeStopWrongSide, join(path, "new_stop_loss"), "%s would trigger at once: the %s position's stop must be on the other side of the current price %s", u.NewStopLoss, pos.Side, price)
	}
	if u.NewTarget > 0 && (long && u.NewTarget <= price || !long && u.NewTarget >= price) {
		return Intent{}, invalid(CodeTargetWrongSide, join(path, "new_target_price"), "%s is on the wrong side of the current price %s for a %s position", u.NewTarget, price, pos.Side)
	}
	if cur := pos.ExitPlan.Stop; cur > 0 && (long && u.NewStopLoss < cur || !long && u.NewStopLoss > cur) {
		return Intent{}, risk(CodeStopWidened, join(path, "new_stop_loss"), "stops may only tighten: %s is further from the price than the current stop %s", u.NewStopLoss, pos.ExitPlan.Stop)
	}
	plan := pos.ExitPlan
	plan.Stop = u.NewStopLoss
	if u.NewTarget > 0 {
		plan.Target = u.NewTarget
	}
	return Intent{
		Kind: IntentUpdateExitPlan, Symbol: u.Symbol, Side: pos.Side, Quantity: pos.Quantity, Leverage: pos.Leverage,
		RefPrice: price, Reason: u.Reason, ExitPlan: plan,
	}, nil
}

// usd writes an amount rounded to cents, or "an out-of-range amount".
func usd(v arena.Fixed, err error) string {
	if err != nil || v == arena.MaxFixed {
		return "an out-of-range amount of"
	}
	return v.RoundTo(arena.MustFixed("0.01")).String()
}
