package infra

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// promtool checks and unit-tests the alert rules and checks the scrape
// configuration; make test installs it (Debian's prometheus package).
func TestAlertRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool is not installed (apt-get install prometheus; infra/local/tools.sh does it)")
		}
		t.Skip("promtool is not installed (apt-get install prometheus)")
	}
	for _, args := range [][]string{
		{"check", "rules", "alerts.yml"},
		{"test", "rules", "alerts_test.yml"},
		{"check", "config", "--syntax-only", "prometheus.yml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = "prometheus"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// Every series the dashboard and the alerts use is one the code exports, and
// the dashboard is a Grafana dashboard whose panels all query something.
func TestDashboardAndAlertsUseExportedSeries(t *testing.T) {
	exported := exportedSeries(t)
	for _, f := range []string{"grafana/arena.json", "prometheus/alerts.yml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range regexp.MustCompile(`autonome_[a-z0-9_]+`).FindAllString(string(b), -1) {
			base := regexp.MustCompile(`_(bucket|count|sum)$`).ReplaceAllString(name, "")
			if !exported[base] {
				t.Errorf("%s uses %s, which no code exports", f, name)
			}
		}
	}
	var d struct {
		Title  string `json:"title"`
		UID    string `json:"uid"`
		Panels []struct {
			Type    string `json:"type"`
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	b, _ := os.ReadFile("grafana/arena.json")
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("grafana/arena.json: %v", err)
	}
	if d.UID == "" || len(d.Panels) < 10 {
		t.Fatalf("grafana/arena.json: uid %q, %d panels", d.UID, len(d.Panels))
	}
	for _, p := range d.Panels {
		if p.Type != "row" && (len(p.Targets) == 0 || p.Targets[0].Expr == "") {
			t.Errorf("panel %q queries nothing", p.Title)
		}
	}
}

// exportedSeries lists the autonome_* series named in the Go sources: the
// name given to a metrics.Series constructor (s.CounterVec("name", ...)), a
// Name in an Opts literal under metrics.Namespace (or in a pool's
// metrics.PoolSeries), or a full name string.
func exportedSeries(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	nameRe := regexp.MustCompile(`Name:\s*"([a-z0-9_]+)"`)
	fullRe := regexp.MustCompile(`"(autonome_[a-z0-9_]+)"|Namespace\s*\+\s*"_([a-z0-9_]+)"|"autonome_(postgres|redis)_pool_"\s*\+\s*name`)
	poolRe := regexp.MustCompile(`metrics\.NewPoolCollector\("([a-z]+)"`)
	descRe := regexp.MustCompile(`(?:d|desc)\("([a-z0-9_]+)",`)
	seriesRe := regexp.MustCompile(`\.(?:Counter|CounterVec|Gauge|Latency)\(\s*"([a-z0-9_]+)"`)
	err := filepath.WalkDir("..", func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(b), "prometheus") && !strings.Contains(string(b), "metrics.PoolSeries") {
			return err
		}
		src := string(b)
		namePrefix := "autonome_"
		if m := poolRe.FindStringSubmatch(src); m != nil {
			namePrefix = "autonome_" + m[1] + "_pool_"
		}
		for _, m := range nameRe.FindAllStringSubmatch(src, -1) {
			out[namePrefix+m[1]] = true
		}
		for _, m := range seriesRe.FindAllStringSubmatch(src, -1) {
			out["autonome_"+m[1]] = true
		}
		for _, m := range fullRe.FindAllStringSubmatch(src, -1) {
			switch {
			case m[1] != "":
				out[m[1]] = true
			case m[2] != "":
				out["autonome_"+m[2]] = true
			}
		}
		prefix := ""
		switch {
		case strings.Contains(src, `"autonome_postgres_pool_"`):
			prefix = "autonome_postgres_pool_"
		case strings.Contains(src, `"autonome_redis_pool_"`):
			prefix = "autonome_redis_pool_"
		case strings.Contains(src, `metrics.Namespace+"_"+name`):
			prefix = "autonome_"
		}
		if prefix != "" {
			for _, m := range descRe.FindAllStringSubmatch(src, -1) {
				out[prefix+m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
