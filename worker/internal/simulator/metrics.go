package simulator

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/metrics"
)

// Metrics are the simulator's Prometheus series: what the ledger records
// (orders by final state, fills, fees, funding, liquidations), refused
// orders by error code, and how the ledger writes keep up. A nil *Metrics
// records nothing.
type Metrics struct {
	orders       *prometheus.CounterVec // state, trigger
	refused      *prometheus.CounterVec // code
	fills        *prometheus.CounterVec // market, liquidity
	fillNotional *prometheus.CounterVec // market
	fees         prometheus.Counter
	fundingPaid  prometheus.Counter
	fundingRecv  prometheus.Counter
	rebates      prometheus.Counter
	liquidations prometheus.Counter
	liqFees      prometheus.Counter
	insurance    prometheus.Counter
	writes       *prometheus.HistogramVec
	writeErrors  prometheus.Counter
	queue        prometheus.Gauge
	lastBatch    prometheus.Gauge
}

// NewMetrics registers the simulator's series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	s := metrics.NewSeries(reg)
	return &Metrics{
		orders: s.CounterVec("orders_total", "Orders that reached a final state in the ledger, by state (FILLED, CANCELLED, REJECTED) and trigger (client or the exit that placed it).",
			"state", "trigger"),
		refused: s.CounterVec("order_errors_total", "Orders placed that came back with an error (refused before the engine, or not settled in time), by error code: invalid, rejected, conflict, unavailable, timeout, …",
			"code"),
		fills:        s.CounterVec("fills_total", "Fills written to the ledger, by market and liquidity (MAKER, TAKER).", "market", "liquidity"),
		fillNotional: s.CounterVec("fill_notional_usd_total", "Traded notional (price × quantity) written to the ledger, by market.", "market"),
		fees:         s.Counter("fees_usd_total", "Trading fees charged to the accounts."),
		rebates:      s.Counter("rebates_usd_total", "Maker rebates paid to the accounts (negative fees)."),
		fundingPaid:  s.Counter("funding_paid_usd_total", "Funding paid by the accounts."),
		fundingRecv:  s.Counter("funding_received_usd_total", "Funding received by the accounts."),
		liquidations: s.Counter("liquidations_total", "Accounts liquidated (every position closed through the book)."),
		liqFees:      s.Counter("liquidation_fees_usd_total", "Liquidation fees charged."),
		insurance:    s.Counter("insurance_credits_usd_total", "Deficits the insurance fund covered after liquidations."),
		writes:       s.Latency("ledger_write_duration_seconds", "Time to write one ledger batch to PostgreSQL, by result (ok, error).", "result"),
		writeErrors:  s.Counter("ledger_write_errors_total", "Ledger batch writes that failed (the batch stays queued and is retried)."),
		queue:        s.Gauge("ledger_queue_batches", "Ledger batches emitted by the exchange and not yet written."),
		lastBatch:    s.Gauge("ledger_last_write_timestamp_seconds", "When a ledger batch was last written (Unix time)."),
	}
}

// onPersisted counts what a written batch recorded.
func (m *Metrics) onPersisted(b arena.Batch) {
	if m == nil {
		return
	}
	for _, o := range b.Orders {
		if o.State.Final() {
			trigger := string(o.Trigger)
			if trigger == "" {
				trigger = "client"
			}
			m.orders.WithLabelValues(string(o.State), trigger).Inc()
		}
	}
	for _, f := range b.Fills {
		m.fills.WithLabelValues(string(f.Symbol), string(f.Liquidity)).Inc()
		m.fillNotional.WithLabelValues(string(f.Symbol)).Add(f.Price.Float64() * f.Quantity.Float64())
		if fee := f.Fee.Float64(); fee >= 0 {
			m.fees.Add(fee)
		} else {
			m.rebates.Add(-fee)
		}
	}
	for _, p := range b.Funding {
		if v := p.Amount.Float64(); v < 0 {
			m.fundingPaid.Add(-v)
		} else {
			m.fundingRecv.Add(v)
		}
	}
	for _, l := range b.Liquidations {
		m.liquidations.Inc()
		m.liqFees.Add(l.Fee.Float64())
	}
	for _, n := range b.Insurance {
		m.insurance.Add(n.Amount.Float64())
	}
}

// wrote observes one ledger write and the queue left behind it.
func (m *Metrics) wrote(d time.Duration, err error, queued int, now time.Time) {
	if m == nil {
		return
	}
	m.queue.Set(float64(queued))
	if err != nil {
		m.writeErrors.Inc()
		m.writes.WithLabelValues("error").Observe(d.Seconds())
		return
	}
	m.writes.WithLabelValues("ok").Observe(d.Seconds())
	m.lastBatch.Set(float64(now.UnixNano()) / 1e9)
}

// orderError counts a placed order that returned an error.
func (m *Metrics) orderError(err error) {
	if m == nil || err == nil {
		return
	}
	m.refused.WithLabelValues(string(arena.ErrorCode(err))).Inc()
}
