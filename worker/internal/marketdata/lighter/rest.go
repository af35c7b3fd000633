package lighter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/autonome-go/autonome/shared/arena"
)

// maxBody bounds a REST response (orderBookDetails of every market is the
// largest, a few hundred KB).
const maxBody = 16 << 20

// Client is a rate-limited client of Lighter's public REST API.
type Client struct {
	base    string
	http    *http.Client
	limiter *rate.Limiter
}

// NewClient returns a client of the API at baseURL that makes at most
// perMinute requests a minute (bursts of up to 5).
func NewClient(baseURL string, hc *http.Client, perMinute int) *Client {
	return &Client{
		base:    strings.TrimRight(baseURL, "/"),
		http:    hc,
		limiter: rate.NewLimiter(rate.Every(time.Minute/time.Duration(max(perMinute, 1))), 5),
	}
}

// get fetches path?query into out, mapping failures to arena codes:
// CodeRateLimited (HTTP 429), CodeInvalid (other 4xx), CodeUnavailable
// (transport errors, 5xx, an error code in the body), CodeTimeout.
func (c *Client) get(ctx context.Context, path string, query url.Values, out interface{ status() restStatus }) error {
	if err := c.limiter.Wait(ctx); err != nil {
		return arena.WrapError(arena.CodeTimeout, err, "lighter %s: rate limiter", path)
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("lighter %s: build request: %w", path, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return arena.WrapError(arena.CodeTimeout, err, "lighter %s: timed out", path)
		}
		return arena.WrapError(arena.CodeUnavailable, err, "lighter %s: request failed", path)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return arena.WrapError(arena.CodeUnavailable, err, "lighter %s: read response", path)
	}
	if err := statusError(path, resp.StatusCode, body); err != nil {
		return err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return arena.WrapError(arena.CodeUnavailable, err, "lighter %s: decode response", path)
	}
	if s := out.status(); s.Code != http.StatusOK {
		return arena.Errorf(arena.CodeUnavailable, "lighter %s: code %d: %s", path, s.Code, s.Message)
	}
	return nil
}

func statusError(path string, code int, body []byte) error {
	if code == http.StatusOK {
		return nil
	}
	var s restStatus
	_ = json.Unmarshal(body, &s) // the message is a courtesy; absent is fine
	msg := fmt.Sprintf("lighter %s: HTTP %d (code %d) %s", path, code, s.Code, s.Message)
	switch {
	case code == http.StatusTooManyRequests:
		return arena.Errorf(arena.CodeRateLimited, "%s", msg)
	case code >= 400 && code < 500:
		return arena.Errorf(arena.CodeInvalid, "%s", msg)
	}
	return arena.Errorf(arena.CodeUnavailable, "%s", msg)
}

func (s restStatus) status() restStatus { return s }

// details fetches the metadata and daily statistics of every market.
func (c *Client) details(ctx context.Context) ([]restDetail, error) {
	var out restDetails
	if err := c.get(ctx, "/api/v1/orderBookDetails", nil, &out); err != nil {
		return nil, err
	}
	return out.OrderBookDetails, nil
}

// candles fetches the last n bars of a market at resolution res ending at
// end, oldest first, with the id of the last trade they include.
func (c *Client) candles(ctx context.Context, marketID int64, res string, d time.Duration, n int, end time.Time) ([]arena.Candle, int64, error) {
	q := url.Values{}
	q.Set("market_id", fmt.Sprint(marketID))
	q.Set("resolution", res)
	q.Set("start_timestamp", fmt.Sprint(end.Add(-time.Duration(n+1)*d).UnixMilli()))
	q.Set("end_timestamp", fmt.Sprint(end.UnixMilli()))
	q.Set("count_back", fmt.Sprint(n))
	q.Set("set_timestamp_to_end", "false")
	var out restCandles
	if err := c.get(ctx, "/api/v1/candles", q, &out); err != nil {
		return nil, 0, err
	}
	bars := make([]arena.Candle, 0, len(out.Candles))
	var lastTrade int64
	for _, k := range out.Candles {
		bars = append(bars, arena.Candle{Start: epoch(k.T), Open: k.O, High: k.H, Low: k.L, Close: k.C, Volume: k.V})
		lastTrade = max(lastTrade, k.LastTradeID)
	}
	return bars, lastTrade, nil
}

// latestFunding fetches the most recent hourly funding of a market as a
// signed fraction per hour (positive: longs pay).
func (c *Client) latestFunding(ctx context.Context, marketID int64, end time.Time) (arena.Fixed, time.Time, error) {
	q := url.Values{}
	q.Set("market_id", fmt.Sprint(marketID))
	q.Set("resolution", "1h")
	q.Set("start_timestamp", fmt.Sprint(end.Add(-48*time.Hour).Unix()))
	q.Set("end_timestamp", fmt.Sprint(end.Unix()))
	q.Set("count_back", "1")
	var out restFundings
	if err := c.get(ctx, "/api/v1/fundings", q, &out); err != nil {
		return 0, time.Time{}, err
	}
	if len(out.Fundings) == 0 {
		return 0, time.Time{}, arena.Errorf(arena.CodeUnavailable, "lighter: no funding for market %d", marketID)
	}
	f := out.Fundings[0]
	for _, g := range out.Fundings[1:] {
		if g.Timestamp > f.Timestamp {
			f = g
		}
	}
	r := f.Rate.fixed().Abs()
	if f.Direction == "short" {
		r = -r
	}
	return r, epoch(f.Timestamp), nil
}
