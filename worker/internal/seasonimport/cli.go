package seasonimport

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
)

// Usage is the import subcommand's help.
const Usage = `usage:
  worker season import BUNDLE [--checksums-only] [--name NAME]   (DATABASE_URL: where to store it)

A bundle whose checksums fail is refused. By default it is replayed with no
network: a replay that reproduces the manifest's result hash is stored as
"replayed"; one that does not is stored as "failed" with what differs, and
the command exits non-zero. --checksums-only stores it as "checksums".`

// Main runs "worker season import ARGS".
func Main(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fl := flag.NewFlagSet("season import", flag.ContinueOnError)
	fl.SetOutput(stdout)
	checksums := fl.Bool("checksums-only", false, "check the checksums but do not replay (stored as verification \"checksums\")")
	noVerify := fl.Bool("no-verify", false, "the same as --checksums-only")
	name := fl.String("name", "", "display name (default: the season id)")
	parallel := fl.Int("parallel", 0, "entrants replayed at once")
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	if path == "" && fl.NArg() > 0 {
		path = fl.Arg(0)
	}
	if path == "" {
		//lint:ignore ST1005 the usage text ends the message
		return errors.New("season import: a bundle path is required\n" + Usage)
	}
	url := getenv("DATABASE_URL")
	if url == "" {
		return errors.New("season import: DATABASE_URL is required")
	}
	pool, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 2, ApplicationName: "autonome-season-import"})
	if err != nil {
		return err
	}
	defer pool.Close()
	out, err := ImportFile(ctx, pool, path, Options{ChecksumsOnly: *checksums || *noVerify, Name: *name, Parallel: *parallel})
	s := out.Season
	switch {
	case errors.Is(err, ErrNotVerified):
		return fmt.Errorf("%s: season %s %w", path, s.ID, err)
	case err != nil:
		return fmt.Errorf("%s: not imported: %w", path, err)
	case !out.Changed:
		fmt.Fprintf(stdout, "season %s already imported with result %s (%s): unchanged\n", s.ID, s.ResultHash, s.Status())
		return nil
	}
	what := map[string]string{arena.SeasonReplayed: "replayed to its result hash", arena.SeasonChecksums: "checksums only, not replayed"}[s.Status()]
	fmt.Fprintf(stdout, "imported season %s: result %s (%s)\n", s.ID, s.ResultHash, what)
	return nil
}
