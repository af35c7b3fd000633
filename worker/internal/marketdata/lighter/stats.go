package lighter

import (
	"context"
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// fundingTTL is how long a REST funding rate is reused; funding settles hourly.
const fundingTTL = 10 * time.Minute

// Stats returns the latest market stats of symbol: the streamed ones while
// they are younger than StatsMaxAge, else stats built from REST
// (orderBookDetails for open interest, daily volume and change and the last
// trade price, which stands in for the mark; /fundings for the last settled
// rate). If REST fails, older streamed stats are returned, with their time.
func (f *Feed) Stats(ctx context.Context, symbol arena.Symbol) (arena.MarketStats, error) {
	m, err := f.market(ctx, symbol)
	if err != nil {
		return arena.MarketStats{}, err
	}
	h := f.hist
	h.mu.Lock()
	streamed, ok := h.stats[symbol]
	h.mu.Unlock()
	if ok && f.cfg.Now().Sub(streamed.Time) < f.cfg.StatsMaxAge {
		return streamed, nil
	}
	s, err := h.restStats(ctx, m)
	if err != nil {
		if ok {
			f.cfg.Logger.Warn("lighter: stats refresh failed; serving older streamed stats", "symbol", symbol, "age", f.cfg.Now().Sub(streamed.Time), "err", err)
			return streamed, nil
		}
		return arena.MarketStats{}, fmt.Errorf("lighter stats %s: %w", symbol, err)
	}
	return s, nil
}

func (h *history) restStats(ctx context.Context, m arena.Market) (arena.MarketStats, error) {
	details, err := h.details(ctx)
	if err != nil {
		return arena.MarketStats{}, err
	}
	d, ok := findPerp(details, m.Symbol)
	if !ok {
		return arena.MarketStats{}, arena.Errorf(arena.CodeNotFound, "lighter lists no active perpetual %s", m.Symbol)
	}
	rate, err := h.funding(ctx, int64(m.MarketID))
	if err != nil {
		return arena.MarketStats{}, err
	}
	return arena.MarketStats{
		Symbol: m.Symbol, Time: h.f.cfg.Now().UTC(),
		MarkPrice: d.LastTradePrice.fixed(), FundingRate: rate,
		OpenInterest: d.OpenInterest.fixed(), DailyVolume: d.DailyQuoteTokenVolume.fixed(), DailyChange: d.DailyPriceChange.fixed(),
	}, nil
}

// details returns orderBookDetails, fetched at most every StatsMaxAge.
func (h *history) details(ctx context.Context) ([]restDetail, error) {
	h.mu.Lock()
	d, at := h.rest.details, h.rest.detailsAt
	h.mu.Unlock()
	if d != nil && h.f.cfg.Now().Sub(at) < h.f.cfg.StatsMaxAge {
		return d, nil
	}
	v, err, _ := h.group.Do("details", func() (any, error) {
		ctx, cancel := shared(ctx)
		defer cancel()
		d, err := h.f.client.details(ctx)
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		h.rest.details, h.rest.detailsAt = d, h.f.cfg.Now()
		h.mu.Unlock()
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]restDetail), nil
}

// funding returns a market's last settled funding rate, fetched at most
// every fundingTTL.
func (h *history) funding(ctx context.Context, marketID int64) (arena.Fixed, error) {
	h.mu.Lock()
	c, ok := h.rest.funding[marketID]
	h.mu.Unlock()
	if ok && h.f.cfg.Now().Sub(c.fetched) < fundingTTL {
		return c.rate, nil
	}
	v, err, _ := h.group.Do(fmt.Sprint("funding/", marketID), func() (any, error) {
		ctx, cancel := shared(ctx)
		defer cancel()
		rate, _, err := h.f.client.latestFunding(ctx, marketID, h.f.cfg.Now())
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		h.rest.funding[marketID] = fundingAt{fetched: h.f.cfg.Now(), rate: rate}
		h.mu.Unlock()
		return rate, nil
	})
	if err != nil {
		return 0, err
	}
	return v.(arena.Fixed), nil
}
