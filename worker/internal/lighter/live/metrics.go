package live

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/autonome-go/autonome/shared/metrics"
)

// MismatchCounter registers autonome_live_reconciliation_mismatches_total
// on reg and returns the Config.OnMismatch that counts into it, one per
// reconciliation that halted an account (label: the venue account index).
func MismatchCounter(reg prometheus.Registerer) func(account int64, diffs []Diff) {
	c := metrics.NewSeries(reg).CounterVec("live_reconciliation_mismatches_total",
		"Reconciliations in which the venue's positions or open orders differed from the ledger (trading halted), by venue account.",
		"account")
	return func(account int64, _ []Diff) { c.WithLabelValues(strconv.FormatInt(account, 10)).Inc() }
}
