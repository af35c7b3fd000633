// Package commands is the contract between the API, which accepts mutating
// requests (placing an order, resetting an account), and the worker, which
// owns the simulator and executes them. A command travels as an asynq task
// on the commands queue; the worker writes its answer with the task's
// ResultWriter and the API, which keeps the task for a retention period,
// reads it back with asynq's Inspector.
//
// The API side is Client (enqueue and wait); the worker side is
// PlaceOrderHandler and ResetAccountHandler, which decode, check expiry and
// write results so the worker only implements the operation itself.
//
// Idempotency: a placeOrder task's ID is derived from the account and the
// client order id, so a retried request never enqueues a second order; it
// waits for (or immediately returns) the first one's result. The worker must
// still deduplicate by client order id (the "SimOrders" table), because the
// task itself is forgotten when its retention ends.
package commands
