// Package infra holds what runs the worker and relay (systemd units, env
// examples, the local gateway and service scripts) and the repository-wide
// dependency-rule test below.
package infra

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/autonome-go/autonome"

type pkg struct {
	ImportPath string
	Imports    []string // direct
	Deps       []string // transitive
	Standard   bool
}

// listPackages returns every package of the module with its transitive deps.
func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Imports,Deps,Standard", module+"/...")
	cmd.Dir = ".."
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, errb.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(&out)
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

func isStd(dep string) bool { return !strings.Contains(strings.SplitN(dep, "/", 2)[0], ".") }

func under(p, dir string) bool {
	full := module + "/" + dir
	return p == full || strings.HasPrefix(p, full+"/")
}

// The dependency rules of STYLE.md, enforced over the real import graph.
func TestDependencyRules(t *testing.T) {
	rules := []struct {
		name    string
		applies func(p string) bool
		forbid  func(dep string) bool
	}{
		{"the domain package imports only the standard library",
			func(p string) bool { return under(p, "shared/arena") },
			func(dep string) bool { return !isStd(dep) }},
		{"shared/... imports neither functions/... nor worker/...",
			func(p string) bool { return under(p, "shared") },
			func(dep string) bool { return under(dep, "functions") || under(dep, "worker") }},
		{"functions/... never imports worker/...",
			func(p string) bool { return under(p, "functions") },
			func(dep string) bool { return under(dep, "worker") }},
		{"the exchange imports only arena and the standard library",
			func(p string) bool { return under(p, "worker/internal/exchange") },
			func(dep string) bool {
				return !isStd(dep) && !under(dep, "shared/arena") && !under(dep, "worker/internal/exchange")
			}},
		{"the Postgres and Redis adapters do not import each other",
			func(p string) bool { return under(p, "shared/postgres") },
			func(dep string) bool { return under(dep, "shared/redis") }},
		{"the Redis adapter does not import the Postgres adapter",
			func(p string) bool { return under(p, "shared/redis") },
			func(dep string) bool { return under(dep, "shared/postgres") }},
		{"deciding, prompting, model providers, feeds and the relay never depend on the Postgres adapter",
			func(p string) bool {
				return under(p, "worker/internal/decision") || under(p, "worker/internal/llm") || under(p, "worker/internal/prompt") ||
					under(p, "worker/internal/marketdata") || under(p, "worker/internal/relay") || under(p, "worker/cmd/relay")
			},
			func(dep string) bool { return under(dep, "shared/postgres") }},
		{"the read model's consumers (views, the API's procedures, the co-pilot, the agents, the jobs, the broadcaster, seasons) take domain types, never the Postgres adapter",
			func(p string) bool {
				return under(p, "shared/views") || under(p, "functions/internal/rpc") && !under(p, "functions/internal/rpc/rpctest") ||
					under(p, "functions/internal/chat") || under(p, "worker/internal/agent") && !under(p, "worker/internal/agent/agenttest") ||
					under(p, "worker/internal/jobs") || under(p, "worker/internal/broadcast") || under(p, "worker/internal/season")
			},
			func(dep string) bool { return under(dep, "shared/postgres") }},
	}
	checked := map[string]int{}
	for _, p := range listPackages(t) {
		for _, r := range rules {
			if !r.applies(p.ImportPath) {
				continue
			}
			checked[r.name]++
			for _, d := range p.Deps {
				if r.forbid(d) {
					t.Errorf("%s: %s imports %s", r.name, p.ImportPath, d)
				}
			}
		}
	}
	for _, r := range rules[:3] {
		if checked[r.name] == 0 {
			t.Errorf("rule %q matched no package; the layout changed", r.name)
		}
	}
}

// postgresImporters are the packages that may import the Postgres adapter
// directly: the wiring (which hands the adapter's Reader and Agents to the
// procedures and jobs as their rpc.Store and jobs.Store), test support, and
// the two writers of whole transactions: the simulator's ledger (batches
// written, state loaded and resynchronised in the adapter's own
// transactions) and the season importer. Everything else takes domain types
// (arena.Model, Account, Position, ExitPlan, InvocationRecord, AgentModel,
// Activity, EquitySpan, SeasonRecord, CycleResult, ...) and declares the
// interfaces it needs; a package added here should say why in its commit.
var postgresImporters = map[string]bool{
	"functions/chat": true, "functions/rpc": true, "worker/cmd/worker": true, "worker/internal/service": true, // wiring
	"shared/testenv": true, "functions/internal/rpc/rpctest": true, "worker/internal/agent/agenttest": true, // test support
	"worker/internal/simulator": true, "worker/internal/seasonimport": true, // writers
}

// The Postgres adapter's types stay at its edge: a package outside
// postgresImporters that imports it directly fails here.
func TestPostgresAdapterImporters(t *testing.T) {
	seen := 0
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, module+"/")
		if rel == "shared/postgres" || !slices.Contains(p.Imports, module+"/shared/postgres") {
			continue
		}
		seen++
		if !postgresImporters[rel] {
			t.Errorf("%s imports shared/postgres; take arena types and declare the interface it needs (or add it to postgresImporters, saying why)", rel)
		}
	}
	if seen == 0 {
		t.Error("no package imports shared/postgres; the layout changed")
	}
}

// asynq ships client and server in one package, so the import graph cannot
// tell them apart: the API's code must not construct the server side.
func TestFunctionsUseOnlyTheAsynqClient(t *testing.T) {
	out, err := exec.Command("git", "-C", "..", "grep", "-nE", `asynq\.(NewServer|NewScheduler|NewServeMux|NewPeriodicTaskManager)`, "--", "functions/").CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		t.Errorf("functions/ uses asynq's server side:\n%s", out)
	case !errors.As(err, &exit) || exit.ExitCode() != 1: // 1 = no match
		t.Fatalf("git grep: %v\n%s", err, out)
	}
}
