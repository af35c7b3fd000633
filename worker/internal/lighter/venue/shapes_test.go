package venue

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

type swagger struct {
	Paths       map[string]map[string]swaggerOp `json:"paths"`
	Definitions map[string]swaggerSchema        `json:"definitions"`
}

type swaggerOp struct {
	Parameters []struct {
		Name   string        `json:"name"`
		In     string        `json:"in"`
		Schema swaggerSchema `json:"schema"`
	} `json:"parameters"`
	Responses map[string]struct {
		Schema swaggerSchema `json:"schema"`
	} `json:"responses"`
}

type swaggerSchema struct {
	Ref        string                   `json:"$ref"`
	Type       string                   `json:"type"`
	Items      *swaggerSchema           `json:"items"`
	Properties map[string]swaggerSchema `json:"properties"`
}

func refName(s swaggerSchema) string { return s.Ref[strings.LastIndexByte(s.Ref, '/')+1:] }

// loadOpenAPI installs the pinned official client (npm ci into
// openapi/node_modules, git-ignored) and reads its openapi.json.
func loadOpenAPI(t *testing.T) swagger {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("npm is required when CI=true: %v", err)
		}
		t.Skipf("npm not installed (%v): the OpenAPI shape test is skipped", err)
	}
	dir, _ := filepath.Abs("openapi")
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err != nil || st.ModTime().Before(lock.ModTime()) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci: %v\n%s", err, out)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "node_modules", "zklighter-perps", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc swagger
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestEndpointsMatchOpenAPI: every request we make exists in the venue's
// document with the parameters we send, and answers with the type we decode.
func TestEndpointsMatchOpenAPI(t *testing.T) {
	doc := loadOpenAPI(t)
	cases := []struct {
		path, method string
		params       []string
		resp         any
	}{
		{PathNextNonce, "get", []string{"account_index", "api_key_index"}, NextNonce{}},
		{PathSendTx, "post", []string{"body"}, RespSendTx{}},
		{PathAccount, "get", []string{"by", "value"}, DetailedAccounts{}},
		{PathOrderBookDetails, "get", nil, OrderBookDetails{}},
		{PathActiveOrders, "get", []string{"account_index", "market_id", "auth"}, Orders{}},
		{PathTrades, "get", []string{"account_index", "sort_by", "sort_dir", "limit", "auth"}, Trades{}},
		{PathPositionFunding, "get", []string{"account_index", "limit", "auth"}, PositionFundings{}},
	}
	for _, c := range cases {
		op, ok := doc.Paths[c.path][c.method]
		if !ok {
			t.Errorf("%s %s: not in the venue's document", c.method, c.path)
			continue
		}
		have := map[string]bool{}
		for _, p := range op.Parameters {
			have[p.Name] = true
		}
		for _, p := range c.params {
			if !have[p] {
				t.Errorf("%s %s: parameter %q not in the document", c.method, c.path, p)
			}
		}
		if got, want := refName(op.Responses["200"].Schema), reflect.TypeOf(c.resp).Name(); got != want {
			t.Errorf("%s %s: answers %s, we decode %s", c.method, c.path, got, want)
		}
	}
	body := doc.Definitions["ReqSendTx"].Properties
	for _, f := range []string{"tx_type", "tx_info"} {
		if _, ok := body[f]; !ok {
			t.Errorf("sendTx body has no %q", f)
		}
	}
}

// TestTypesMatchOpenAPI: every field we decode is a property of the
// definition of the same name, with a compatible type.
func TestTypesMatchOpenAPI(t *testing.T) {
	doc := loadOpenAPI(t)
	for _, v := range []any{NextNonce{}, RespSendTx{}, DetailedAccounts{}, DetailedAccount{}, AccountPosition{},
		OrderBookDetails{}, PerpsOrderBookDetail{}, Orders{}, Order{}, Trades{}, Trade{}, PositionFundings{}, PositionFunding{}} {
		typ := reflect.TypeOf(v)
		def, ok := doc.Definitions[typ.Name()]
		if !ok {
			t.Errorf("%s: no such definition", typ.Name())
			continue
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			prop, ok := def.Properties[name]
			if !ok {
				t.Errorf("%s.%s: %q is not a property", typ.Name(), f.Name, name)
				continue
			}
			if want := kindOf(f.Type); prop.Type != want {
				t.Errorf("%s.%s: document says %q, we decode %q", typ.Name(), f.Name, prop.Type, want)
			}
			if f.Type.Kind() == reflect.Slice && prop.Items != nil && prop.Items.Ref != "" {
				if got := refName(*prop.Items); got != f.Type.Elem().Name() {
					t.Errorf("%s.%s: items are %s, we decode %s", typ.Name(), f.Name, got, f.Type.Elem().Name())
				}
			}
		}
	}
}

func kindOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		return "array"
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	}
	return t.Kind().String()
}
