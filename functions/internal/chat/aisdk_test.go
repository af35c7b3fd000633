package chat

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/testenv"
)

type sdkPart struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	State     string          `json:"state"`
	Input     json.RawMessage `json:"input"`
	Output    json.RawMessage `json:"output"`
	ErrorText string          `json:"errorText"`
}

type sdkTurn struct {
	Message struct {
		ID    string    `json:"id"`
		Role  string    `json:"role"`
		Parts []sdkPart `json:"parts"`
	} `json:"message"`
	Errors []string `json:"errors"`
}

// The AI SDK's own client (ai, pinned in aisdkclient/package-lock.json)
// reads our stream as the reference's /chat page does: every chunk passes
// its schema, and the assembled message has the reasoning, the tool calls
// with their outputs or errors, and the text; the message sent back as
// history is understood on the next turn.
func TestAISDKClientReadsTheStream(t *testing.T) {
	t.Parallel()
	node := testenv.Node(t)
	dir, err := filepath.Abs("aisdkclient")
	if err != nil {
		t.Fatal(err)
	}
	testenv.NPMInstall(t, dir)
	hs := newHarness(t, func(step int, req wireRequest) reply {
		last := req.Messages[len(req.Messages)-1]
		switch {
		case last.Role == "user" && strings.Contains(*last.Content, "Who is winning"):
			return reply{Reasoning: "Check the accounts.", Calls: []scriptedCall{
				{toolOverview, `{"limit":3}`},
				{toolSQL, `{"question":"keys","sql":"SELECT * FROM \"ModelCredentials\""}`}}}
		case last.Role == "tool":
			return reply{Text: "deepseek-v3.1-terminus leads."}
		}
		return reply{Text: "I looked at the models overview."}
	}, func(o *Options) { o.Token = "tok" })
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "client.mjs", hs.srv.URL, "tok")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node client.mjs: %v\n%s\n%s", err, out, stderr)
	}
	var report struct {
		Turns []sdkTurn `json:"turns"`
	}
	if err := json.Unmarshal(out, &report); err != nil || len(report.Turns) != 2 {
		t.Fatalf("report %s: %v", out, err)
	}
	first := report.Turns[0]
	if len(first.Errors) > 0 || first.Message.Role != "assistant" || !strings.HasPrefix(first.Message.ID, "msg_") {
		t.Fatalf("first turn: %+v", first)
	}
	var shape []string
	for _, p := range first.Message.Parts {
		shape = append(shape, p.Type+":"+p.State)
	}
	want := []string{"step-start:", "reasoning:done", "tool-getModelsOverview:output-available", "tool-queryPortfolioSql:output-error", "step-start:", "text:done"}
	if diff := cmp.Diff(want, shape); diff != "" {
		t.Fatalf("parts as the SDK assembled them (-want +got):\n%s", diff)
	}
	parts := first.Message.Parts
	if parts[1].Text != "Check the accounts." || parts[5].Text != "deepseek-v3.1-terminus leads." {
		t.Errorf("texts %q, %q", parts[1].Text, parts[5].Text)
	}
	if !strings.Contains(string(parts[2].Output), `"deepseek-v3.1-terminus"`) || string(parts[2].Input) != `{"limit":3}` {
		t.Errorf("overview input %s output %.200s", parts[2].Input, parts[2].Output)
	}
	if !strings.HasPrefix(parts[3].ErrorText, "refused") {
		t.Errorf("SQL error %q", parts[3].ErrorText)
	}
	second := report.Turns[1]
	if len(second.Errors) > 0 || len(second.Message.Parts) != 2 || second.Message.Parts[1].Text != "I looked at the models overview." {
		t.Fatalf("second turn: %+v", second)
	}
	reqs := hs.prov.requests()
	var roles []string
	for _, m := range reqs[len(reqs)-1].Messages {
		roles = append(roles, m.Role)
	}
	if diff := cmp.Diff([]string{"system", "user", "assistant", "tool", "tool", "user"}, roles); diff != "" {
		t.Errorf("the SDK's history as the model got it (-want +got):\n%s", diff)
	}
}
