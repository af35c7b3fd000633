package config

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

func TestWorkerDefaults(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://u@localhost/db")
	var c Worker
	if err := Load(&c); err != nil {
		t.Fatal(err)
	}
	if c.SimInitialCapital != arena.FixedInt(10_000) || c.TradeInterval != 5*time.Minute ||
		c.Feed != "synthetic" || c.TradingMode != "simulated" || c.RedisURL == "" || c.LighterAPIKeyIndex != 2 {
		t.Fatalf("defaults wrong: %+v", c)
	}
}

func TestErrorsNameTheVariable(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "config: DATABASE_URL is required: PostgreSQL URL"},
		{map[string]string{"DATABASE_URL": "postgres://h/db", "SIM_INITIAL_CAPITAL": "ten"}, `config: SIM_INITIAL_CAPITAL="ten" is not valid: expected a decimal number`},
		{map[string]string{"DATABASE_URL": "postgres://h/db", "TRADE_INTERVAL": "5"}, `config: TRADE_INTERVAL="5" is not valid: expected a duration such as`},
		{map[string]string{"DATABASE_URL": "mysql://h/db"}, `config: DATABASE_URL has scheme "mysql": expected postgres or postgresql`},
		{map[string]string{"DATABASE_URL": "postgres://h/db", "FEED": "binance"}, `config: FEED="binance" is not valid`},
		{map[string]string{"DATABASE_URL": "postgres://h/db", "FEED": "replay"}, `config: FEED_TAPE is required when FEED=replay`},
		{map[string]string{"DATABASE_URL": "postgres://h/db", "TRADING_MODE": "live"}, `config: TRADING_MODE=live needs LIVE_MODELS`},
		{map[string]string{"DATABASE_URL": "postgres://h/db", "TRADING_MODE": "live", "LIVE_MODELS": "m/x", "SECRETS_KEY": "k", "ADMIN_TOKEN": "t"},
			`config: TRADING_MODE=live needs LIVE_MAX_NOTIONAL, LIVE_MAX_LEVERAGE and LIVE_MAX_DAILY_LOSS`},
		{map[string]string{"DATABASE_URL": "postgres://h/db", "TRADING_MODE": "live", "LIVE_MODELS": "m", "SECRETS_KEY": "k", "ADMIN_TOKEN": "t",
			"LIVE_MAX_NOTIONAL": "50", "LIVE_MAX_LEVERAGE": "2", "LIVE_MAX_DAILY_LOSS": "10"}, `config: LIVE_MODELS entry "m" is not valid`},
		{map[string]string{"DATABASE_URL": "postgres://h/db", "TRADING_MODE": "live", "LIVE_MODELS": "m/x?max_notional=60", "SECRETS_KEY": "k",
			"ADMIN_TOKEN": "t", "LIVE_MAX_NOTIONAL": "50", "LIVE_MAX_LEVERAGE": "2", "LIVE_MAX_DAILY_LOSS": "10"},
			`config: LIVE_MODELS entry "m/x?max_notional=60" is not valid: max_notional=60 is above the global limit 50`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			for _, v := range Describe(&Worker{}) {
				t.Setenv(v.Name, "")
				os.Unsetenv(v.Name)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var c Worker
			err := Load(&c)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error = %v, want one line starting %q", err, tt.want)
			}
		})
	}
}

func TestCORSOriginsMustBeOrigins(t *testing.T) {
	t.Setenv("CORS_ORIGINS", "https://ok.example.com,evil")
	var c Relay
	if err := Load(&c); err == nil || !strings.Contains(err.Error(), `"evil"`) {
		t.Fatalf("error = %v", err)
	}
}

// TRUSTED_PROXIES takes CIDRs; the boolean TRUST_PROXY it replaced (which
// trusted any client's X-Forwarded-For) stops the relay and the API with a
// line naming its replacement instead of being silently ignored.
func TestTrustedProxies(t *testing.T) {
	for _, tt := range []struct{ env, value, want string }{
		{"TRUSTED_PROXIES", "10.0.0.0/8,true", `TRUSTED_PROXIES entry "true" is not a CIDR`},
		{"TRUST_PROXY", "true", "TRUST_PROXY is no longer read: set TRUSTED_PROXIES"},
	} {
		t.Setenv(tt.env, tt.value)
		for name, spec := range map[string]interface{ Validate() error }{"relay": &Relay{}, "api": &API{DatabaseURL: "postgres://h/db"}} {
			if name == "api" {
				t.Setenv("DATABASE_URL", "postgres://h/db")
			}
			if err := Load(spec); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s with %s=%s: %v, want %q", name, tt.env, tt.value, err, tt.want)
			}
		}
		os.Unsetenv(tt.env)
	}
	t.Setenv("TRUST_PROXY", "false") // harmless: what the old examples shipped
	t.Setenv("TRUSTED_PROXIES", "127.0.0.1/32, ::1")
	var c Relay
	if err := Load(&c); err != nil || len(c.TrustedProxies) != 2 {
		t.Fatalf("valid list: %v, %v", c.TrustedProxies, err)
	}
}

// Every variable of every binary has a row in the README's table, and every
// row names a real variable.
func TestREADMETableMatchesSpecs(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z0-9_]+)` \\|").FindAllStringSubmatch(string(b), -1) {
		rows[m[1]] = true
	}
	known := map[string]bool{}
	for _, spec := range []any{&Worker{}, &Relay{}, &API{}, &Gateway{}, &Web{}, &Chat{}} {
		for _, v := range Describe(spec) {
			known[v.Name] = true
			if !rows[v.Name] {
				t.Errorf("README configuration table lacks %s", v.Name)
			}
		}
	}
	for name := range rows {
		if !known[name] {
			t.Errorf("README configuration table lists %s, which no binary reads", name)
		}
	}
}

// infra/env has an example per binary naming every variable it reads.
func TestEnvExamplesMatchSpecs(t *testing.T) {
	for name, spec := range map[string]any{"worker": &Worker{}, "relay": &Relay{}, "api": &API{}, "gateway": &Gateway{}, "web": &Web{}, "chat": &Chat{}} {
		b, err := os.ReadFile("../../infra/env/" + name + ".env.example")
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range Describe(spec) {
			if !regexp.MustCompile(`(?m)^#? ?` + v.Name + `=`).Match(b) {
				t.Errorf("infra/env/%s.env.example lacks %s", name, v.Name)
			}
		}
	}
}

// LOG_FORMAT=json writes one JSON object per line with the component;
// anything but text or json is refused with the variable named.
func TestLogFormat(t *testing.T) {
	var buf strings.Builder
	Logger(&buf, "info", "json", "worker").Info("hello", "model", "m1")
	var line map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &line); err != nil {
		t.Fatalf("not JSON: %q", buf.String())
	}
	if line["msg"] != "hello" || line["component"] != "worker" || line["model"] != "m1" {
		t.Fatalf("line = %v", line)
	}
	buf.Reset()
	Logger(&buf, "info", "text", "relay").Info("hello")
	if !strings.Contains(buf.String(), "component=relay") || strings.HasPrefix(buf.String(), "{") {
		t.Fatalf("text line = %q", buf.String())
	}
	t.Setenv("DATABASE_URL", "postgres://localhost/x")
	t.Setenv("LOG_FORMAT", "xml")
	var cfg Worker
	if err := Load(&cfg); err == nil || !strings.Contains(err.Error(), "LOG_FORMAT") {
		t.Fatalf("LOG_FORMAT=xml: err = %v", err)
	}
}

// Each live seat gets the global brakes or its own tighter ones.
func TestLiveSeats(t *testing.T) {
	c := Worker{LiveMaxNotional: arena.FixedInt(50), LiveMaxLeverage: 3, LiveMaxDailyLoss: arena.FixedInt(10),
		LiveModels: []string{"a/b/momentum-ish?max_notional=20&max_leverage=2", "kimi/apex"}}
	seats, err := c.LiveSeats()
	if err != nil {
		t.Fatal(err)
	}
	want := []LiveSeat{{Name: "a/b", Variant: "momentum-ish", MaxNotional: arena.FixedInt(20), MaxLeverage: 2, MaxDailyLoss: arena.FixedInt(10)},
		{Name: "kimi", Variant: "apex", MaxNotional: arena.FixedInt(50), MaxLeverage: 3, MaxDailyLoss: arena.FixedInt(10)}}
	if len(seats) != 2 || seats[0] != want[0] || seats[1] != want[1] {
		t.Fatalf("seats = %+v, want %+v", seats, want)
	}
}

// The co-pilot's configuration loads with its defaults and names the
// variable it refuses.
func TestChatConfig(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://u@localhost/db")
	var c Chat
	if err := Load(&c); err != nil {
		t.Fatal(err)
	}
	if c.Model != "nim:moonshotai/kimi-k2-instruct-0905" || c.MaxSteps != 6 || c.SQLMaxRows != 200 || c.Timeout != 90*time.Second || c.Addr != "127.0.0.1:8086" {
		t.Fatalf("defaults wrong: %+v", c)
	}
	for env, want := range map[string]string{
		"CHAT_MODEL":         `CHAT_MODEL="kimi" is not valid`,
		"CHAT_SQL_MAX_BYTES": "CHAT_SQL_MAX_BYTES at least 1024",
		"CHAT_MAX_STEPS":     "CHAT_MAX_STEPS",
	} {
		value := map[string]string{"CHAT_MODEL": "kimi", "CHAT_SQL_MAX_BYTES": "10", "CHAT_MAX_STEPS": "0"}[env]
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, value)
			var c Chat
			if err := Load(&c); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("%s=%s: error %v, want %q", env, value, err, want)
			}
		})
	}
}
