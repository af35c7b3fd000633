package agent

import "time"

// Seats is the number of agents the runner can run.
func (r *Runner) Seats() int { return len(r.opts.Seats) }

// Interval is the trade interval (TRADE_INTERVAL) the runner was built for.
func (r *Runner) Interval() time.Duration { return r.opts.Interval }

// Timeout bounds one decision (Options.Timeout, or DefaultTimeout).
func (r *Runner) Timeout() time.Duration { return r.opts.Timeout }
