package main

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/intrinsics"
)

// template.yaml deploys every function the way the Makefile builds it: the
// provided.al2023 runtime on arm64 with a bootstrap handler, built by SAM's
// makefile method through a build-<LogicalId> target that exists, and routed
// from the HTTP API at the paths the handler serves.
func TestTemplate(t *testing.T) {
	// Refs to resources (the functions' ApiId) resolve to the resource's
	// logical id, so the test can check which API routes to the function.
	tmpl, err := goformation.OpenWithOptions("../../template.yaml", &intrinsics.ProcessorOptions{
		IntrinsicHandlerOverrides: map[string]intrinsics.IntrinsicHandler{"Ref": refResource}})
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	fns := tmpl.GetAllServerlessFunctionResources()
	if len(fns) == 0 {
		t.Fatal("no AWS::Serverless::Function in template.yaml")
	}
	wantRoutes := map[string][]string{
		"RpcFunction":       {"ANY /api/rpc/{proxy+}", "GET /api/export/{proxy+}", "GET /api/health", "GET /health", "GET /health/schedulers"},
		"DashboardFunction": {"GET /", "GET /{proxy+}"},
		"ChatFunction":      nil, // its own function URL, streaming (below)
	}
	wantEnv := map[string][]string{
		"RpcFunction":       {"DATABASE_URL", "REDIS_URL", "ADMIN_TOKEN", "CORS_ORIGINS", "DB_PROXY_MODE", "DB_MAX_CONNS"},
		"DashboardFunction": {"DASHBOARD_SSE_BASE", "DASHBOARD_TITLE"},
		"ChatFunction":      {"DATABASE_URL", "CHAT_MODEL", "CHAT_TOKEN", "CHAT_DAILY_TOKENS", "NIM_API_KEY", "OPENROUTER_API_KEY", "DB_PROXY_MODE"},
	}
	for name, fn := range fns {
		if fn.Runtime == nil || *fn.Runtime != "provided.al2023" {
			t.Errorf("%s: runtime %v, want provided.al2023", name, fn.Runtime)
		}
		if !slices.Equal(fn.Architectures, []string{"arm64"}) {
			t.Errorf("%s: architectures %v, want [arm64]", name, fn.Architectures)
		}
		if fn.Handler == nil || *fn.Handler != "bootstrap" {
			t.Errorf("%s: handler %v, want bootstrap", name, fn.Handler)
		}
		if fn.AWSCloudFormationMetadata["BuildMethod"] != "makefile" {
			t.Errorf("%s: Metadata.BuildMethod %v, want makefile", name, fn.AWSCloudFormationMetadata["BuildMethod"])
		}
		target := regexp.MustCompile(`(?m)^build-` + regexp.QuoteMeta(name) + `:`)
		if !target.Match(makefile) {
			t.Errorf("%s: the Makefile has no build-%s target", name, name)
		}
		var routes []string
		for evName, ev := range fn.Events {
			if ev.Type != "HttpApi" || ev.Properties == nil || ev.Properties.HttpApiEvent == nil {
				t.Errorf("%s: event %s is not an HttpApi event", name, evName)
				continue
			}
			e := ev.Properties.HttpApiEvent
			if e.ApiId == nil || e.Path == nil || e.Method == nil {
				t.Errorf("%s: event %s lacks ApiId, Path or Method", name, evName)
				continue
			}
			if *e.ApiId != "HttpApi" {
				t.Errorf("%s: event %s routes from %q, not the stack's HttpApi", name, evName, *e.ApiId)
			}
			routes = append(routes, *e.Method+" "+*e.Path)
		}
		sort.Strings(routes)
		if want, ok := wantRoutes[name]; !ok {
			t.Errorf("%s: unexpected function", name)
		} else if !slices.Equal(routes, want) {
			t.Errorf("%s: routes %v, want %v", name, routes, want)
		}
		if name == "ChatFunction" {
			u := fn.FunctionUrlConfig
			if u == nil || u.InvokeMode == nil || *u.InvokeMode != "RESPONSE_STREAM" {
				t.Errorf("%s: needs a function URL with InvokeMode RESPONSE_STREAM (lambdaurl streams the answer)", name)
			}
		}
		if fn.Environment == nil {
			t.Errorf("%s: no environment", name)
			continue
		}
		for _, v := range wantEnv[name] {
			if _, ok := fn.Environment.Variables[v]; !ok {
				t.Errorf("%s: environment lacks %s", name, v)
			}
		}
	}
	if _, err := tmpl.GetServerlessHttpApiWithName("HttpApi"); err != nil {
		t.Errorf("HttpApi: %v", err)
	}
}

// refResource resolves a Ref to a resource as its logical id, anything
// else as goformation does.
func refResource(name string, input, template any) any {
	if id, ok := input.(string); ok {
		if tm, ok := template.(map[string]any); ok {
			if res, ok := tm["Resources"].(map[string]any); ok {
				if _, ok := res[id]; ok {
					return id
				}
			}
		}
	}
	return intrinsics.Ref(name, input, template)
}
