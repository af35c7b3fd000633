package arena

import "testing"

func TestParseEventID(t *testing.T) {
	tests := []struct {
		in      string
		ms, seq uint64
		ok      bool
	}{
		{"0-0", 0, 0, true},
		{"1712345678901-7", 1712345678901, 7, true},
		{"18446744073709551615-18446744073709551615", 1<<64 - 1, 1<<64 - 1, true},
		{"18446744073709551616-0", 0, 0, false}, // overflow
		{"", 0, 0, false},
		{"12", 0, 0, false},
		{"12-", 0, 0, false},
		{"-3", 0, 0, false},
		{"+1-2", 0, 0, false},
		{"1-+2", 0, 0, false},
		{"1-2-3", 0, 0, false},
		{"a-1", 0, 0, false},
		{" 1-2", 0, 0, false},
		{"1-2\n", 0, 0, false},
	}
	for _, tt := range tests {
		ms, seq, ok := ParseEventID(tt.in)
		if ok != tt.ok || ms != tt.ms || seq != tt.seq {
			t.Errorf("ParseEventID(%q) = %d, %d, %v; want %d, %d, %v", tt.in, ms, seq, ok, tt.ms, tt.seq, tt.ok)
		}
	}
}

func TestCompareEventIDs(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1-0", "1-0", 0},
		{"1-0", "1-1", -1},
		{"1-1", "1-0", 1},
		{"9-5", "10-0", -1}, // numeric, not lexical
		{"10-0", "9-5", 1},
		{"0-0", "1-0", -1},
		{"junk", "0-0", -1},
		{"0-0", "junk", 1},
		{"junk", "other", 0},
	}
	for _, tt := range tests {
		if got := CompareEventIDs(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareEventIDs(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
