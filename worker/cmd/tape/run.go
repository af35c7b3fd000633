package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

const usage = `usage:
  tape record -feed synthetic|lighter -out FILE -duration D [flags]
  tape replay -in FILE [-speed X]
Run "tape record -h" or "tape replay -h" for the flags.`

// run dispatches a subcommand. Interrupting a recording (ctx ending) is not
// an error: the tape written so far is kept.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		//lint:ignore ST1005 the usage text is the message
		return errors.New(usage)
	}
	var err error
	switch args[0] {
	case "record":
		err = record(ctx, args[1:], stdout)
	case "replay":
		err = replay(ctx, args[1:], stdout)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil // the flag set printed its usage
	}
	return err
}

func newFlagSet(name string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	return fs
}
