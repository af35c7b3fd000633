// Package commandstest runs the worker side of the commands contract in
// tests: a real asynq server on the test Redis, processing one test's queue
// with handlers the test supplies. It lives apart from package commands so
// that the API's tests can use it without the API's own code ever
// constructing asynq's server side.
package commandstest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/testenv"
)

// Queue returns a queue name unique to one test, under the test's Redis
// prefix (asynq has no key prefix of its own, so isolation is by queue).
func Queue(prefix string) string { return commands.Queue(prefix + testenv.UniqueName("q") + ":") }

// Handlers are the operations the fake worker performs; a nil one answers
// with a Failure saying the command is not supported.
type Handlers struct {
	PlaceOrder   commands.PlaceOrderFunc
	ResetAccount commands.ResetAccountFunc
	LiveKill     commands.LiveKillFunc
	Now          func() time.Time // defaults to time.Now
}

// Worker processes queue until the test ends, then shuts the server down
// and deletes the queue's keys.
func Worker(t testing.TB, rdb goredis.UniversalClient, queue string, h Handlers) {
	t.Helper()
	if h.Now == nil {
		h.Now = time.Now
	}
	if h.PlaceOrder == nil {
		h.PlaceOrder = func(context.Context, commands.PlaceOrder) (commands.PlaceOrderResult, error) {
			return commands.PlaceOrderResult{}, fmt.Errorf("placeOrder is not handled by this test worker")
		}
	}
	if h.ResetAccount == nil {
		h.ResetAccount = func(context.Context, commands.ResetAccount) (commands.ResetAccountResult, error) {
			return commands.ResetAccountResult{}, fmt.Errorf("resetAccount is not handled by this test worker")
		}
	}
	if h.LiveKill == nil {
		h.LiveKill = func(context.Context, commands.LiveKill) (commands.LiveKillResult, error) {
			return commands.LiveKillResult{}, fmt.Errorf("live kill is not handled by this test worker")
		}
	}
	mux := asynq.NewServeMux()
	mux.Handle(commands.TypeLiveKill, commands.LiveKillHandler(h.LiveKill))
	mux.Handle(commands.TypePlaceOrder, commands.PlaceOrderHandler(h.PlaceOrder, h.Now))
	mux.Handle(commands.TypeResetAccount, commands.ResetAccountHandler(h.ResetAccount, h.Now))
	srv := asynq.NewServerFromRedisClient(rdb, asynq.Config{
		Queues:            map[string]int{queue: 1},
		Concurrency:       4,
		TaskCheckInterval: 20 * time.Millisecond,
		ShutdownTimeout:   2 * time.Second,
		LogLevel:          asynq.ErrorLevel,
	})
	if err := srv.Start(mux); err != nil {
		t.Fatalf("start test worker: %v", err)
	}
	t.Cleanup(func() {
		srv.Shutdown()
		_ = asynq.NewInspectorFromRedisClient(rdb).DeleteQueue(queue, true)
	})
}
