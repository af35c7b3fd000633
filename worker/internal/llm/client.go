package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/retry"
)

// ClientConfig configures an OpenAI-compatible chat-completions endpoint.
type ClientConfig struct {
	BaseURL string   // e.g. https://integrate.api.nvidia.com/v1; "/chat/completions" is appended
	Keys    []string // used round-robin; empty for servers without auth
	Headers map[string]string

	Timeout       time.Duration // per attempt; default 2 min
	MaxRetries    int           // retries after the first attempt on 429, 5xx, timeouts and network errors; default 2, -1 for none
	BackoffBase   time.Duration // first retry wait; default 2 s, doubling
	BackoffMax    time.Duration // cap of one wait; default 30 s
	MaxRetryAfter time.Duration // a Retry-After longer than this is not waited for; default 60 s
	MaxBodyBytes  int64         // response size limit; default DefaultMaxResponseBytes

	HTTPClient *http.Client // default: a client without its own timeout (Timeout applies per attempt)

	// Now and Sleep are the clock the client measures latency and waits
	// between retries on; default the wall clock. A season's simulated
	// clock replaces them, so a replay neither waits nor reads the time.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultMaxResponseBytes bounds what is read of one provider response: a
// tool-calling reply with reasoning is tens of kilobytes; the rest of a
// larger one is discarded unread and the step fails as too_large.
const DefaultMaxResponseBytes = 1 << 20

// Client calls one OpenAI-compatible endpoint with retries and key rotation.
// It is safe for concurrent use.
type Client struct {
	cfg  ClientConfig
	url  string
	keys keyRing
	http *http.Client
}

// NewClient checks cfg and applies defaults.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("llm client: empty base URL")
	}
	for i, k := range cfg.Keys {
		if strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("llm client: key %d is empty", i)
		}
	}
	setDefault(&cfg.Timeout, 2*time.Minute)
	setDefault(&cfg.BackoffBase, 2*time.Second)
	setDefault(&cfg.BackoffMax, 30*time.Second)
	setDefault(&cfg.MaxRetryAfter, time.Minute)
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 2
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxResponseBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = retry.Sleep
	}
	c := &Client{cfg: cfg, url: strings.TrimRight(cfg.BaseURL, "/") + "/chat/completions", http: cfg.HTTPClient, keys: keyRing{keys: cfg.Keys}}
	if c.http == nil {
		c.http = &http.Client{}
	}
	return c, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// callStats describes one Complete call.
type callStats struct {
	Attempts int
	Latency  time.Duration
}

// completeRetrying sends req, retrying transient failures, and returns the first
// choice's response.
func (c *Client) completeRetrying(ctx context.Context, req *chatRequest) (*chatResponse, callStats, error) {
	// MarshalJSON directly: json.Marshal would compact (re-scan) its whole
	// already compact, already escaped output, a quarter of a replayed
	// season's time.
	body, err := req.MarshalJSON()
	if err != nil {
		return nil, callStats{}, permanentErr(arena.FailureProviderError, "encode", "encode the request", err)
	}
	start := c.cfg.Now()
	var st callStats
	for {
		st.Attempts++
		resp, err := c.attempt(ctx, body)
		st.Latency = c.cfg.Now().Sub(start)
		if err == nil {
			return resp, st, nil
		}
		if ctx.Err() != nil {
			return nil, st, contextErr(ctx.Err())
		}
		var e *Error
		if !errors.As(err, &e) || !e.transient || st.Attempts > c.cfg.MaxRetries {
			return nil, st, err
		}
		wait := retry.Delay(st.Attempts-1, c.cfg.BackoffBase, c.cfg.BackoffMax)
		if e.RetryAfter > c.cfg.MaxRetryAfter {
			return nil, st, err // the provider asks for longer than a turn can wait
		}
		wait = max(wait, e.RetryAfter)
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return nil, st, contextErr(err)
		}
	}
}

func (c *Client) attempt(ctx context.Context, body []byte) (*chatResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, permanentErr(arena.FailureProviderError, "request", "build the request", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for k, v := range c.cfg.Headers {
		req.Header.Set(k, v)
	}
	if key := c.keys.pick(); key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transportErr(ctx, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBodyBytes+1))
	if err != nil {
		return nil, transportErr(ctx, err)
	}
	if int64(len(raw)) > c.cfg.MaxBodyBytes {
		return nil, permanentErr(arena.FailureProviderError, "too_large", fmt.Sprintf("the response is larger than %d bytes (LLM_MAX_RESPONSE_BYTES); the rest was discarded unread", c.cfg.MaxBodyBytes), nil)
	}
	return decodeResponse(resp, raw)
}

// transportErr classifies a failure to get a response: the attempt's own
// deadline is a (retryable) timeout, anything else a network error.
func transportErr(ctx context.Context, err error) *Error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return transientErr(arena.FailureTimeout, "attempt_timeout", "the provider did not answer in time", nil)
	}
	return transientErr(arena.FailureProviderError, "network", "could not reach the provider", stripURL(err))
}

// stripURL drops the request URL from a net/http error: it adds nothing and
// should not end up in records.
func stripURL(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

func decodeResponse(resp *http.Response, raw []byte) (*chatResponse, error) {
	var out chatResponse
	jsonErr := json.Unmarshal(raw, &out)
	if resp.StatusCode/100 != 2 {
		msg := ""
		if jsonErr == nil && out.Error != nil {
			msg = truncate(out.Error.Message, 300)
		}
		return nil, statusErr(resp.StatusCode, retryAfter(resp.Header.Get("Retry-After"), time.Now()), msg)
	}
	if jsonErr != nil {
		return nil, transientErr(arena.FailureProviderError, "bad_body", "the provider's response is not valid JSON", nil)
	}
	if out.Error != nil { // OpenRouter reports upstream failures inside a 200
		status := 502
		var code int
		if json.Unmarshal(out.Error.Code, &code) == nil && code >= 400 {
			status = code
		}
		return nil, statusErr(status, 0, truncate(out.Error.Message, 300))
	}
	if len(out.Choices) == 0 {
		return nil, transientErr(arena.FailureProviderError, "no_choices", "the provider returned no choices", nil)
	}
	return &out, nil
}

// truncate cleans a provider's message and cuts it to n bytes.
func truncate(s string, n int) string {
	s, _ = arena.Excerpt(cleanText(strings.TrimSpace(s)), n)
	return s
}
