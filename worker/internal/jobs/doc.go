// Package jobs runs the worker's background work on asynq: the schedule of
// periodic tasks (a decision cycle every TRADE_INTERVAL, equity snapshots
// every PORTFOLIO_INTERVAL, hourly snapshot retention), one decision task
// per model per cycle, and the API's commands (placeOrder, resetAccount)
// executed against the simulator with their results written back for the
// caller. It keeps the scheduler health record the API's /health reads, and
// provides the asynqmon monitoring handler for the admin listener.
//
// Periodic tasks carry their schedule slot in their task id, and decision
// tasks the model and the slot, so a second scheduler (a second worker
// started by mistake) can never enqueue a task twice: asynq refuses the
// duplicate id. The database refuses a second decision of a model for the
// same slot, and a decision overlapping a running one.
package jobs
