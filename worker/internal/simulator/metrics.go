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
	ns := metrics.Namespace
	m := &Metrics{
		orders: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "orders_total",
			Help: "Orders that reached a final state in the ledger, by state (FILLED, CANCELLED, REJECTED) and trigger (client or the exit that placed it)."},
			[]string{"state", "trigger"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "order_errors_total",
			Help: "Orders placed that came back with an error (refused before the engine, or not settled in time), by error code: invalid, rejected, conflict, unavailable, timeout, …"}, []string{"code"}),
		fills: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "fills_total",
			Help: "Fills written to the ledger, by market and liquidity (MAKER, TAKER)."}, []string{"market", "liquidity"}),
		fillNotional: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "fill_notional_usd_total",
			Help: "Traded notional (price × quantity) written to the ledger, by market."}, []string{"market"}),
		fees: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "fees_usd_total",
			Help: "Trading fees charged to the accounts."}),
		rebates: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "rebates_usd_total",
			Help: "Maker rebates paid to the accounts (negative fees)."}),
		fundingPaid: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "funding_paid_usd_total",
			Help: "Funding paid by the accounts."}),
		fundingRecv: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "funding_received_usd_total",
			Help: "Funding received by the accounts."}),
		liquidations: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "liquidations_total",
			Help: "Accounts liquidated (every position closed through the book)."}),
		liqFees: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "liquidation_fees_usd_total",
			Help: "Liquidation fees charged."}),
		insurance: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "insurance_credits_usd_total",
			Help: "Deficits the insurance fund covered after liquidations."}),
		writes: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "ledger_write_duration_seconds",
			Help: "Time to write one ledger batch to PostgreSQL, by result (ok, error).", Buckets: metrics.LatencyBuckets},
			[]string{"result"}),
		writeErrors: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "ledger_write_errors_total",
			Help: "Ledger batch writes that failed (the batch stays queued and is retried)."}),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "ledger_queue_batches",
			Help: "Ledger batches emitted by the exchange and not yet written."}),
		lastBatch: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "ledger_last_write_timestamp_seconds",
			Help: "When a ledger batch was last written (Unix time)."}),
	}
	reg.MustRegister(m.orders, m.refused, m.fills, m.fillNotional, m.fees, m.rebates, m.fundingPaid, m.fundingRecv,
		m.liquidations, m.liqFees, m.insurance, m.writes, m.writeErrors, m.queue, m.lastBatch)
	return m
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
