package indicators

import (
	"math"
	"strconv"
	"time"
)

// TimeLayout is how snapshot and prompt times are written: always UTC, and
// labelled as such.
const TimeLayout = "2006-01-02 15:04:05 UTC"

// Labels used in the prompt text. System prompts may name only these.
const (
	LabelCurrentPrice = "current_price"
	LabelMarkPrice    = "mark_price"
	LabelMid          = "mid_prices"
	LabelEMA20        = "ema20"
	LabelMACD         = "macd"
	LabelRSI7         = "rsi_7"
	LabelRSI14        = "rsi_14"
	LabelATR10        = "atr_10"
	LabelATR14        = "atr_14"
	LabelVolume       = "volume"
	LabelAvgVolume    = "volume_avg_30"
	LabelFunding      = "funding_rate"
	LabelOI           = "open_interest"
	LabelDailyVolume  = "daily_volume_usd"
	LabelDailyChange  = "daily_change_pct"
)

func (s *Snapshot) appendText(b []byte) []byte {
	b = append(b, "Market data as of "...)
	b = s.AsOf.AppendFormat(b, TimeLayout)
	b = append(b, ". Series run oldest → newest; values are rounded to 3 decimals; n/a means too few bars.\n"...)
	for i := range s.Markets {
		b = s.Markets[i].appendText(b)
	}
	return b
}

func (m *Market) appendText(b []byte) []byte {
	b = append(b, "\n### "...)
	b = append(b, m.Symbol...)
	b = append(b, " MARKET DATA\n"...)
	b = kv(b, LabelCurrentPrice, m.Intraday.Latest.Close, ", ")
	b = append(b, LabelMarkPrice+" = "...)
	b = m.Stats.MarkPrice.AppendText(b)
	b = append(b, '\n')
	b = append(b, LabelFunding+" = "...)
	b = m.Stats.FundingRate.AppendText(b)
	b = append(b, " per hour (positive: longs pay shorts), "+LabelOI+" = "...)
	b = m.Stats.OpenInterest.AppendText(b)
	b = append(b, '\n')
	b = append(b, LabelDailyVolume+" = "...)
	b = m.Stats.DailyVolume.AppendText(b)
	b = append(b, ", "+LabelDailyChange+" = "...)
	b = m.Stats.DailyChange.AppendText(b)
	b = append(b, '\n')
	b = m.Intraday.appendText(b, "Intraday")
	return m.HigherTF.appendText(b, "Higher timeframe")
}

func (f *Frame) appendText(b []byte, title string) []byte {
	b = append(b, '\n')
	b = append(b, title...)
	b = append(b, " ("...)
	b = append(b, f.Label...)
	b = append(b, ", "...)
	b = strconv.AppendInt(b, int64(f.Bars), 10)
	b = append(b, " bars"...)
	if !f.LastBar.IsZero() {
		b = append(b, ", newest bar opened "...)
		b = f.LastBar.AppendFormat(b, TimeLayout)
	}
	b = append(b, "):\nlatest: "...)
	v := &f.Latest
	b = kv(b, LabelEMA20, v.EMA20, ", ")
	b = kv(b, LabelMACD, v.MACD, ", ")
	b = kv(b, LabelRSI7, v.RSI7, ", ")
	b = kv(b, LabelRSI14, v.RSI14, "\n")
	b = append(b, "latest: "...)
	b = kv(b, LabelATR10, v.ATR10, ", ")
	b = kv(b, LabelATR14, v.ATR14, ", ")
	b = kv(b, LabelVolume, v.Volume, ", ")
	b = kv(b, LabelAvgVolume, v.AvgVolume, "\n")
	s := &f.Series
	b = list(b, LabelMid, s.Mid)
	b = list(b, LabelEMA20, s.EMA20)
	b = list(b, LabelMACD, s.MACD)
	b = list(b, LabelRSI7, s.RSI7)
	b = list(b, LabelRSI14, s.RSI14)
	b = list(b, LabelATR14, s.ATR14)
	return list(b, LabelVolume, s.Volume)
}

func kv(b []byte, label string, v float64, sep string) []byte {
	b = append(b, label...)
	b = append(b, " = "...)
	b = appendNum(b, v)
	return append(b, sep...)
}

func list(b []byte, label string, vs []float64) []byte {
	b = append(b, label...)
	b = append(b, ": ["...)
	for i, v := range vs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendNum(b, v)
	}
	return append(b, "]\n"...)
}

// appendNum writes v with 3 decimals, or n/a for NaN and infinities.
func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "n/a"...)
	}
	return strconv.AppendFloat(b, v, 'f', 3, 64)
}

// FormatTime writes t in UTC with TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }
