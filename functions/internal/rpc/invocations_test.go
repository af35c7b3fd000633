package rpc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
)

type invocationsPage struct {
	JSON rpc.InvocationsOutput `json:"json"`
}

func invocations(t *testing.T, h interface {
	ServeHTTP(w http.ResponseWriter, r *http.Request)
}, input string) (invocationsPage, int) {
	t.Helper()
	resp, body := do(t, h, "POST", "/api/rpc/models/getInvocations", `{"json":`+input+`}`, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", input, resp.StatusCode, body)
	}
	var p invocationsPage
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	return p, len(body)
}

// addInvocations inserts n finished decisions of model, a minute apart.
func addInvocations(t *testing.T, env *rpctest.Env, model string, n int) {
	t.Helper()
	_, err := env.Pool.Exec(context.Background(), `INSERT INTO "Invocations" ("id", "modelId", "response", "status", "createdAt", "updatedAt")
		SELECT 'bulk-' || i, $1, 'Holding ' || i, 'success', $2::timestamptz - interval '3 days' - i * interval '1 minute',
		       $2::timestamptz - interval '3 days' - i * interval '1 minute'
		FROM generate_series(1, $3) AS i`, model, rpctest.Now, n)
	if err != nil {
		t.Fatal(err)
	}
}

// Without input, a page holds a bounded number of conversations, and the
// pages reached through nextCursor list every conversation once, newest
// first.
func TestInvocationsArePaged(t *testing.T) {
	env := rpctest.Seed(t)
	addInvocations(t, env, rpctest.DeepseekApex, 130)
	h := rpc.NewHandler(env.Deps, env.Options())
	first, _ := invocations(t, h, `{}`)
	if n := len(first.JSON.Conversations); n != 25 || first.JSON.NextCursor == nil {
		t.Fatalf("default page: %d conversations, next cursor %v; want 25 and a cursor", n, first.JSON.NextCursor)
	}
	all, _ := invocations(t, h, `{"limit":100}`)
	if len(all.JSON.Conversations) != 100 || all.JSON.NextCursor == nil {
		t.Fatalf("limit 100: %d, cursor %v", len(all.JSON.Conversations), all.JSON.NextCursor)
	}
	var paged []string
	cursor := ""
	for pages := 0; ; pages++ {
		in := `{"limit":7}`
		if cursor != "" {
			in = fmt.Sprintf(`{"limit":7,"cursor":%q}`, cursor)
		}
		p, _ := invocations(t, h, in)
		for _, c := range p.JSON.Conversations {
			paged = append(paged, c.ID+" "+c.Timestamp)
		}
		if p.JSON.NextCursor == nil {
			break
		}
		if pages > 40 {
			t.Fatal("paging does not end")
		}
		cursor = *p.JSON.NextCursor
	}
	const total = 130 + 5 // the fixture's five finished decisions
	seen := map[string]bool{}
	for i, k := range paged {
		if seen[k] {
			t.Fatalf("%s listed twice", k)
		}
		seen[k] = true
		if i > 0 && strings.Fields(paged[i-1])[1] < strings.Fields(k)[1] {
			t.Fatalf("not newest first at %d: %s then %s", i, paged[i-1], k)
		}
	}
	if len(paged) != total {
		t.Fatalf("paging listed %d conversations, want %d", len(paged), total)
	}
	for _, c := range []string{`{"cursor":"%%%"}`, `{"cursor":"bm90IGEgY3Vyc29y"}`, `{"limit":101}`} {
		resp, body := do(t, h, "POST", "/api/rpc/models/getInvocations", `{"json":`+c+`}`, nil)
		if resp.StatusCode != 400 || code(t, body) != "BAD_REQUEST" {
			t.Errorf("%s: %d %s", c, resp.StatusCode, body)
		}
	}
}

// Whatever size a model's output has, what the API returns of it is
// bounded: responses and tool call metadata cut (and marked, with their
// stored sizes), oversized payloads left out, in getInvocations and in
// getFailures.
func TestModelOutputBoundedInAnswers(t *testing.T) {
	env := rpctest.Seed(t)
	ctx := t.Context()
	const huge = 5 << 20
	_, err := env.Pool.Exec(ctx, `INSERT INTO "Invocations" ("id", "modelId", "response", "responsePayload", "status", "failureReason", "createdAt", "updatedAt")
		SELECT 'big-' || i, 'm-kimi-apex', repeat('é', $2 / 2), jsonb_build_object('prompt', repeat('p', $2)), 'failed', 'parse_error',
		       $1::timestamptz - i * interval '1 second', $1::timestamptz - i * interval '1 second'
		FROM generate_series(1, 4) AS i`, rpctest.Now, huge)
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.Pool.Exec(ctx, `INSERT INTO "ToolCalls" ("id", "invocationId", "toolCallType", "metadata", "success", "createdAt", "updatedAt")
		SELECT 'big-tc-' || i || '-' || j, 'big-' || i, 'CREATE_POSITION', '{"decisions": [], "note": "' || repeat('x', $2) || '"}', false, $1, $1
		FROM generate_series(1, 4) AS i, generate_series(1, 3) AS j`, rpctest.Now, huge)
	if err != nil {
		t.Fatal(err)
	}
	h := rpc.NewHandler(env.Deps, env.Options())
	p, size := invocations(t, h, `{"limit":100}`)
	if size > 3<<20 {
		t.Fatalf("getInvocations answered %d bytes for 4 decisions of 5 MiB", size)
	}
	big := 0
	for _, c := range p.JSON.Conversations {
		if !strings.HasPrefix(c.ID, "big-") {
			continue
		}
		big++
		if !c.ResponseTruncated || c.ResponseBytes != huge || len(c.Response) > 16<<10 || !strings.HasPrefix(c.Response, "éé") {
			t.Errorf("%s: response of %d bytes shown as %d bytes (truncated %v, bytes %d)", c.ID, huge, len(c.Response), c.ResponseTruncated, c.ResponseBytes)
		}
		if c.ResponsePayload != nil || !c.ResponsePayloadOmitted || c.ResponsePayloadBytes < huge {
			t.Errorf("%s: payload not left out (%d bytes shown, omitted %v)", c.ID, len(c.ResponsePayload), c.ResponsePayloadOmitted)
		}
		for _, tc := range c.ToolCalls {
			if !tc.MetadataTruncated || tc.MetadataBytes < huge || len(tc.Metadata.Raw) > 16<<10 {
				t.Errorf("%s: metadata of %d bytes shown as %d", tc.ID, tc.MetadataBytes, len(tc.Metadata.Raw))
			}
		}
	}
	if big == 0 {
		t.Fatal("the large decisions are missing from the first page")
	}
	resp, body := do(t, h, "POST", "/api/rpc/analytics/getFailures", `{"json":{"limit":100}}`, nil)
	if resp.StatusCode != 200 || len(body) > 3<<20 {
		t.Fatalf("getFailures: %d, %d bytes", resp.StatusCode, len(body))
	}
}
