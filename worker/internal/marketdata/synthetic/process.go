package synthetic

import (
	"math"
	"math/rand/v2"
	"time"
)

const (
	year = 365 * 24 * time.Hour

	// The log-volatility factor reverts with a 6-hour half-life-ish time
	// constant and has a stationary standard deviation of volOfVol. Its mean
	// is -volOfVol² so that E[exp(2x)] = 1: the realised variance of the
	// diffusion matches the configured volatility.
	volReversion = 6 * time.Hour
	volOfVol     = 0.3

	fundingReversion = 8 * time.Hour
	fundingClamp     = 0.005 // |rate| per hour never exceeds 0.5%

	oiReversion = 12 * time.Hour
	oiVol       = 0.03 // stationary stdev of log open interest
)

// priceProcess is the mid's log-price with stochastic volatility and jumps.
type priceProcess struct {
	logPrice  float64
	logVolFac float64 // x in σ·exp(x)
	vol       float64 // annual diffusive volatility
	jumpRate  float64 // jumps per year
	jumpVol   float64 // stdev of a jump's log size
}

func newPriceProcess(price float64, p Params) priceProcess {
	return priceProcess{
		logPrice:  math.Log(price),
		logVolFac: -volOfVol * volOfVol,
		vol:       p.Vol,
		jumpRate:  p.JumpsPerDay * 365,
		jumpVol:   p.JumpVol,
	}
}

// step advances the process by dt and returns the log return. Running it
// with the same draws backwards (subtracting returns) gives a path with the
// same law, which is how history is synthesised.
func (pp *priceProcess) step(rng *rand.Rand, dt time.Duration) float64 {
	yf := dt.Seconds() / year.Seconds()
	pp.logVolFac = ouStep(rng, pp.logVolFac, -volOfVol*volOfVol, volOfVol, dt, volReversion)
	sigma := pp.vol * math.Exp(pp.logVolFac)
	r := -0.5*sigma*sigma*yf + sigma*math.Sqrt(yf)*rng.NormFloat64()
	if rng.Float64() < pp.jumpRate*yf {
		r += pp.jumpVol * rng.NormFloat64()
	}
	pp.logPrice += r
	return r
}

func (pp *priceProcess) price() float64 { return math.Exp(pp.logPrice) }

// ouStep advances an Ornstein-Uhlenbeck process x with long-run mean mu and
// stationary standard deviation sd by dt, using the exact discretisation.
func ouStep(rng *rand.Rand, x, mu, sd float64, dt, reversion time.Duration) float64 {
	a := math.Exp(-dt.Seconds() / reversion.Seconds())
	return mu + (x-mu)*a + sd*math.Sqrt(1-a*a)*rng.NormFloat64()
}

// poisson draws a Poisson count with mean lambda: exactly (product of
// uniforms) for small lambdas, by the normal approximation above 30.
func poisson(rng *rand.Rand, lambda float64) int {
	switch {
	case lambda <= 0:
		return 0
	case lambda > 30:
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64())))
	}
	limit, prod, n := math.Exp(-lambda), rng.Float64(), 0
	for prod > limit {
		n++
		prod *= rng.Float64()
	}
	return n
}

// lognormal draws median·exp(sigma·Z).
func lognormal(rng *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*rng.NormFloat64())
}
