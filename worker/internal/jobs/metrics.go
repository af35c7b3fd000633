package jobs

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/autonome-go/autonome/shared/metrics"
	"github.com/autonome-go/autonome/worker/internal/agent"
)

// Metrics are the decisions' Prometheus series. Label values come from
// bounded sets: the roster's model ids, the decision statuses and the
// structured failure reasons. A nil *Metrics records nothing.
type Metrics struct {
	decisions *prometheus.CounterVec   // model, status, reason
	phase     *prometheus.HistogramVec // phase
	llm       *prometheus.HistogramVec // model
	tokens    *prometheus.CounterVec   // model, direction
	cost      *prometheus.CounterVec   // model
	retries   *prometheus.CounterVec   // model
}

// NewMetrics registers the decisions' series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	s := metrics.NewSeries(reg)
	return &Metrics{
		decisions: s.CounterVec("decisions_total",
			"Decision attempts by model, status (success, failed, skipped) and failure reason (none when it succeeded).",
			"model", "status", "reason"),
		phase: s.Latency("decision_phase_duration_seconds",
			"Time spent in each phase of a decision: gather (data and prompts), agent (the model's turn, tools included), record.", "phase"),
		llm:     s.Latency("llm_request_duration_seconds", "Time spent waiting for the model in one decision, by model.", "model"),
		tokens:  s.CounterVec("llm_tokens_total", "Tokens the models used, by model and direction (input, output).", "model", "direction"),
		cost:    s.CounterVec("llm_cost_usd_total", "What the model calls cost, from the roster's prices, by model.", "model"),
		retries: s.CounterVec("decision_retries_total", "Decisions that failed transiently and were queued again, by model.", "model"),
	}
}

// decided observes one decision attempt.
func (m *Metrics) decided(model string, out agent.Outcome, retrying bool) {
	if m == nil {
		return
	}
	status, reason := string(out.Status), "none"
	if status == "" { // the worker failed around the turn (database, record)
		status, reason = string(agent.Failed), "worker_error"
	}
	if out.Failure != nil {
		reason = string(out.Failure.Reason)
	}
	m.decisions.WithLabelValues(model, status, reason).Inc()
	if retrying {
		m.retries.WithLabelValues(model).Inc()
	}
	if out.Status == agent.Skipped {
		return
	}
	m.phase.WithLabelValues("gather").Observe(out.Timing.Gather.Seconds())
	m.phase.WithLabelValues("agent").Observe(out.Timing.Agent.Seconds())
	m.phase.WithLabelValues("record").Observe(out.Timing.Record.Seconds())
	if out.ModelLatency > 0 {
		m.llm.WithLabelValues(model).Observe(out.ModelLatency.Seconds())
	}
	m.tokens.WithLabelValues(model, "input").Add(float64(out.Usage.InputTokens))
	m.tokens.WithLabelValues(model, "output").Add(float64(out.Usage.OutputTokens))
	m.cost.WithLabelValues(model).Add(out.CostUSD.Float64())
}
