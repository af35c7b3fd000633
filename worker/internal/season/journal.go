package season

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/journal"
)

// isJournal tells a live worker's journal (SEASON_DIR/…journal.zst) from
// a season bundle.
func isJournal(path string) bool { return strings.HasSuffix(path, ".journal.zst") }

// verifyJournal replays a live journal (see worker/internal/journal) and
// prints each period's mark, the accounts by equity at the end, and
// "verified <state> <chain>" of the last mark.
func verifyJournal(path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: not verified: %w", path, err)
	}
	defer f.Close()
	rep, err := journal.Verify(f)
	if err != nil {
		return fmt.Errorf("%s: not verified: %w", path, err)
	}
	h := rep.Header
	fmt.Fprintf(stdout, "live season %s, worker started %s, code %s: %d inputs, %d batches replayed\n",
		h.Season, h.Started.Format("2006-01-02 15:04:05Z07:00"), h.Code, rep.Inputs, rep.Batches)
	for _, m := range rep.Marks {
		fmt.Fprintf(stdout, "  period %-25s at %s: state %s, %d batches\n", m.Period, m.Time.UTC().Format("2006-01-02 15:04:05Z"), m.State, m.Batches)
	}
	final := slices.Clone(rep.Final)
	slices.SortStableFunc(final, func(a, b arena.AccountSnapshot) int { return cmp.Compare(b.Equity, a.Equity) })
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "account\tequity\tcash\trealized\tfees\tfunding")
	for _, a := range final {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.AccountID, a.Equity, a.Cash, a.RealizedPnL, a.Fees, a.Funding)
	}
	_ = tw.Flush()
	switch {
	case len(rep.Marks) == 0:
		return fmt.Errorf("%s: not verified: no mark to compare (the worker stopped within its first second)", path)
	case rep.Truncated || !rep.Complete:
		m := rep.Marks[len(rep.Marks)-1]
		fmt.Fprintf(stdout, "verified up to period %s: %s %s (the journal stops there: the worker was killed; what follows was checked batch by batch)\n",
			m.Period, m.State, m.Chain)
	default:
		m := rep.Marks[len(rep.Marks)-1]
		fmt.Fprintf(stdout, "verified %s %s\n", m.State, m.Chain)
	}
	return nil
}
