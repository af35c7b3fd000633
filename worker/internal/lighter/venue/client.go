package venue

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Endpoint paths (OpenAPI paths; shapes_test.go checks them).
const (
	PathNextNonce        = "/api/v1/nextNonce"
	PathSendTx           = "/api/v1/sendTx"
	PathAccount          = "/api/v1/account"
	PathOrderBookDetails = "/api/v1/orderBookDetails"
	PathActiveOrders     = "/api/v1/accountActiveOrders"
	PathTrades           = "/api/v1/trades"
	PathPositionFunding  = "/api/v1/positionFunding"
)

// AccountChannel is the WebSocket channel of an account's trades, positions
// and orders.
func AccountChannel(account int64) string { return "account_all/" + strconv.FormatInt(account, 10) }

// codeOK is the success code in the venue's result envelope.
const codeOK = 200

// APIError is a response the venue refused (HTTP status or result code).
type APIError struct {
	Status  int
	Code    int32
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("venue: status %d code %d: %s", e.Status, e.Code, e.Message)
}

// IsNonceError reports whether the venue refused a transaction for its nonce
// (the caller then resynchronises from nextNonce).
func IsNonceError(err error) bool {
	var e *APIError
	return errors.As(err, &e) && strings.Contains(strings.ToLower(e.Message), "nonce")
}

// Client talks to one venue base URL.
type Client struct {
	base string
	http *http.Client
}

// NewClient returns a client for base (e.g. https://mainnet.zklighter.elliot.ai).
func NewClient(base string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(base, "/"), http: hc}
}

// NextNonce returns the next nonce the venue expects for an API key.
func (c *Client) NextNonce(ctx context.Context, account int64, apiKey uint8) (int64, error) {
	var out NextNonce
	q := url.Values{"account_index": {strconv.FormatInt(account, 10)}, "api_key_index": {strconv.Itoa(int(apiKey))}}
	if err := c.get(ctx, PathNextNonce, q, &out, &out.Code, &out.Message); err != nil {
		return 0, fmt.Errorf("next nonce: %w", err)
	}
	return out.Nonce, nil
}

// SendTx submits a signed transaction (tx_info JSON from the signer).
func (c *Client) SendTx(ctx context.Context, txType int, txInfo string) (RespSendTx, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("tx_type", strconv.Itoa(txType))
	_ = w.WriteField("tx_info", txInfo)
	if err := w.Close(); err != nil {
		return RespSendTx{}, fmt.Errorf("send tx: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+PathSendTx, &body)
	if err != nil {
		return RespSendTx{}, fmt.Errorf("send tx: %w", err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	var out RespSendTx
	if err := c.do(req, &out, &out.Code, &out.Message); err != nil {
		return out, fmt.Errorf("send tx: %w", err)
	}
	return out, nil
}

// Account returns an account by index with its positions.
func (c *Client) Account(ctx context.Context, index int64) (DetailedAccount, error) {
	var out DetailedAccounts
	q := url.Values{"by": {"index"}, "value": {strconv.FormatInt(index, 10)}}
	if err := c.get(ctx, PathAccount, q, &out, &out.Code, &out.Message); err != nil {
		return DetailedAccount{}, fmt.Errorf("account %d: %w", index, err)
	}
	if len(out.Accounts) != 1 {
		return DetailedAccount{}, fmt.Errorf("account %d: venue returned %d accounts", index, len(out.Accounts))
	}
	return out.Accounts[0], nil
}

// Markets returns the perpetual markets' details (ticks, lots, minimums).
func (c *Client) Markets(ctx context.Context) ([]PerpsOrderBookDetail, error) {
	var out OrderBookDetails
	if err := c.get(ctx, PathOrderBookDetails, url.Values{}, &out, &out.Code, &out.Message); err != nil {
		return nil, fmt.Errorf("markets: %w", err)
	}
	return out.OrderBookDetails, nil
}

// ActiveOrders returns an account's open orders in a market; auth is a token
// from signer.PrivateKey.AuthToken.
func (c *Client) ActiveOrders(ctx context.Context, account int64, market int16, auth string) ([]Order, error) {
	var out Orders
	q := url.Values{"account_index": {strconv.FormatInt(account, 10)}, "market_id": {strconv.Itoa(int(market))}, "auth": {auth}}
	if err := c.get(ctx, PathActiveOrders, q, &out, &out.Code, &out.Message); err != nil {
		return nil, fmt.Errorf("active orders: %w", err)
	}
	return out.Orders, nil
}

// Trades returns an account's latest trades, newest first (at most limit),
// read with an auth token.
func (c *Client) Trades(ctx context.Context, account int64, limit int, auth string) ([]Trade, error) {
	var out Trades
	q := url.Values{"account_index": {strconv.FormatInt(account, 10)}, "sort_by": {"trade_id"}, "sort_dir": {"desc"},
		"limit": {strconv.Itoa(limit)}, "auth": {auth}}
	if err := c.get(ctx, PathTrades, q, &out, &out.Code, &out.Message); err != nil {
		return nil, fmt.Errorf("trades: %w", err)
	}
	return out.Trades, nil
}

// PositionFundings returns an account's latest funding payments, newest
// first (at most limit, ≤ 100), read with an auth token.
func (c *Client) PositionFundings(ctx context.Context, account int64, limit int, auth string) ([]PositionFunding, error) {
	var out PositionFundings
	q := url.Values{"account_index": {strconv.FormatInt(account, 10)}, "limit": {strconv.Itoa(limit)}, "auth": {auth}}
	if err := c.get(ctx, PathPositionFunding, q, &out, &out.Code, &out.Message); err != nil {
		return nil, fmt.Errorf("position funding: %w", err)
	}
	return out.PositionFundings, nil
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any, code *int32, msg *string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	return c.do(req, out, code, msg)
}

// do sends req and decodes the envelope; a non-200 status or result code is
// an *APIError carrying the venue's message.
func (c *Client) do(req *http.Request, out any, code *int32, msg *string) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, out); err != nil {
		if resp.StatusCode != http.StatusOK {
			return &APIError{Status: resp.StatusCode, Message: strings.TrimSpace(string(body))}
		}
		return fmt.Errorf("decode %s: %w", req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK || *code != codeOK {
		return &APIError{Status: resp.StatusCode, Code: *code, Message: *msg}
	}
	return nil
}
