package decision

import (
	"github.com/autonome-go/autonome/shared/arena"
)

// PositionIn returns the open position in sym.
func PositionIn(a *arena.AccountSnapshot, sym arena.Symbol) (arena.PositionSnapshot, bool) {
	for _, p := range a.Positions {
		if p.Symbol == sym && p.Quantity > 0 {
			return p, true
		}
	}
	return arena.PositionSnapshot{}, false
}

// GrossExposure is Σ|quantity × mark| over the open positions.
func GrossExposure(a *arena.AccountSnapshot) arena.Fixed {
	var sum arena.Fixed
	for _, p := range a.Positions {
		n, err := p.Quantity.Abs().MulChecked(p.Mark)
		if err == nil {
			sum, err = sum.AddChecked(n)
		}
		if err != nil {
			return arena.MaxFixed
		}
	}
	return sum
}

// RiskUSD is what the position loses if the mark moves to its stop; 0
// without a stop.
func RiskUSD(p arena.PositionSnapshot) arena.Fixed {
	return distanceValue(p, p.ExitPlan.Stop)
}

// RewardUSD is what the position gains if the mark moves to its target; 0
// without a target.
func RewardUSD(p arena.PositionSnapshot) arena.Fixed {
	return distanceValue(p, p.ExitPlan.Target)
}

func distanceValue(p arena.PositionSnapshot, to arena.Fixed) arena.Fixed {
	if to <= 0 {
		return 0
	}
	r, err := (p.Mark - to).Abs().MulChecked(p.Quantity.Abs())
	if err != nil {
		return arena.MaxFixed
	}
	return r
}

// TotalRisk is Σ RiskUSD over the open positions.
func TotalRisk(a *arena.AccountSnapshot) arena.Fixed {
	var sum arena.Fixed
	for _, p := range a.Positions {
		s, err := sum.AddChecked(RiskUSD(p))
		if err != nil {
			return arena.MaxFixed
		}
		sum = s
	}
	return sum
}
