// Package process runs a command's main: its work gets a context that ends
// at the first SIGINT or SIGTERM (a second one kills the process as usual),
// and an error it returns is printed as "name: error" with exit status 1.
package process

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Main runs run until it returns; see the package comment.
func Main(name string, run func(ctx context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}
