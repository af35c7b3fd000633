package season

import (
	"fmt"
	"runtime/debug"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/marketdata/tape"
)

// FormatVersion is the bundle format written in manifests.
const FormatVersion = 1

// Duration is a time.Duration written as text ("5m0s").
type Duration = tape.Duration

// Config is a season's configuration: everything besides the tape and the
// model calls that can influence its result. It is season.json in a bundle.
type Config struct {
	ID     string  `json:"id"`
	Parent *Parent `json:"parent,omitempty"`
	// Start is the first decision slot; slots follow every Interval until End.
	Start    time.Time      `json:"start"`
	End      time.Time      `json:"end"`
	Interval Duration       `json:"interval"`
	Market   MarketSource   `json:"market"`
	Exchange ExchangeConfig `json:"exchange"`
	// BaselineSeed seeds the random baseline's choices.
	BaselineSeed uint64     `json:"baselineSeed"`
	Entrants     []Entrant  `json:"entrants"`
	Prompts      PromptInfo `json:"prompts"`
	Code         Code       `json:"code"`
}

// Parent names the season an A/B bundle was derived from.
type Parent struct {
	ID         string `json:"id"`
	ResultHash string `json:"resultHash"`
	Swap       string `json:"swap"` // ENTRANT=what, as given to replay --swap
}

// MarketSource says where the tape came from.
type MarketSource struct {
	Source        string    `json:"source"` // the tape header's source: synthetic, lighter, …
	SyntheticSeed *uint64   `json:"syntheticSeed,omitempty"`
	FeedTick      Duration  `json:"feedTick,omitempty"`
	Messages      int       `json:"messages"`
	First         time.Time `json:"first"`
	Last          time.Time `json:"last"`
}

// ExchangeConfig is the simulator's configuration (the SIM_* settings).
// Each entrant's exchange draws slippage from Seed mixed with its id.
type ExchangeConfig struct {
	Markets         []arena.Market `json:"markets"`
	StartingCapital arena.Fixed    `json:"startingCapital"`
	TakerLatency    Duration       `json:"takerLatency"`
	MakerLatency    Duration       `json:"makerLatency"`
	SlippageBps     arena.Fixed    `json:"slippageBps"`
	Seed            uint64         `json:"seed"`
	StaleAfter      Duration       `json:"staleAfter"`
}

// DefaultExchange is the worker's defaults (SIM_TAKER_LATENCY 300 ms, …) on
// markets.
func DefaultExchange(markets []arena.Market) ExchangeConfig {
	d := exchange.DefaultConfig()
	return ExchangeConfig{Markets: markets, StartingCapital: d.StartingCapital, TakerLatency: Duration(300 * time.Millisecond),
		MakerLatency: Duration(200 * time.Millisecond), Seed: 1, StaleAfter: Duration(d.StaleAfter)}
}

func (c ExchangeConfig) config(seed uint64, sink exchange.Sink) exchange.Config {
	d := exchange.DefaultConfig()
	d.Markets, d.StartingCapital, d.SlippageBps, d.Seed, d.Sink = c.Markets, c.StartingCapital, c.SlippageBps, seed, sink
	d.TakerLatency, d.MakerLatency, d.StaleAfter = time.Duration(c.TakerLatency), time.Duration(c.MakerLatency), time.Duration(c.StaleAfter)
	return d
}

// Entrant is one seat of the season, with the roster entry it runs.
type Entrant struct {
	ID    string            `json:"id"` // name/variant
	Entry arena.RosterEntry `json:"entry"`
	// Prompts, when set, is the bundle folder of this entrant's own prompt
	// templates (a prompt swap); otherwise the season's.
	Prompts string `json:"prompts,omitempty"`
}

// EntrantID is the id of a roster entry in a season.
func EntrantID(e arena.RosterEntry) string { return e.Name + "/" + string(e.Variant) }

// PromptInfo identifies the prompt templates the season ran with.
type PromptInfo struct {
	SHA256 string            `json:"sha256"` // of the whole set
	Files  map[string]string `json:"files"`  // template path → SHA-256
}

// Code is the build that ran the season.
type Code struct {
	Module    string `json:"module"`
	GoVersion string `json:"goVersion"`
	Revision  string `json:"revision,omitempty"`
	Time      string `json:"time,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
}

// CodeVersion reads the running binary's build information.
func CodeVersion() Code {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Code{}
	}
	c := Code{Module: info.Main.Path, GoVersion: info.GoVersion}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			c.Revision = s.Value
		case "vcs.time":
			c.Time = s.Value
		case "vcs.modified":
			c.Modified = s.Value == "true"
		}
	}
	return c
}

// Validate reports the first problem with c.
func (c *Config) Validate() error {
	switch {
	case c.ID == "":
		return fmt.Errorf("season: empty id")
	case c.Interval <= 0:
		return fmt.Errorf("season %s: the decision interval must be positive", c.ID)
	case !c.End.After(c.Start):
		return fmt.Errorf("season %s: ends (%s) before it starts (%s)", c.ID, c.End, c.Start)
	case len(c.Entrants) == 0:
		return fmt.Errorf("season %s: no entrants", c.ID)
	}
	seen := map[string]bool{}
	for _, e := range c.Entrants {
		if seen[e.ID] {
			return fmt.Errorf("season %s: entrant %s listed twice", c.ID, e.ID)
		}
		seen[e.ID] = true
	}
	return c.Exchange.config(1, nil).Validate()
}
