package arena

import "testing"

var parseCases = []string{
	"0", "1", "-1.5", "+0.00000001", ".5", "5.", "3327.46", "29.0915", "0.0000", "123.4500000000",
	"92233720368.54775807", "92233720368.54775808", "-92233720368.54775808", "99999999999999999999", "0.000000001",
	"", "-", ".", "1e5", "NaN", "1.2.3", " 1", "0x10", "--1",
}

// ParseFixedBytes is ParseFixed, value and error alike, and a feed's
// successful parse allocates nothing.
func TestParseFixedBytesIsParseFixed(t *testing.T) {
	for _, s := range parseCases {
		want, wantErr := ParseFixed(s)
		got, err := ParseFixedBytes([]byte(s))
		if got != want || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Errorf("ParseFixedBytes(%q) = %s, %v; ParseFixed = %s, %v", s, got, err, want, wantErr)
		}
	}
	b := []byte("3327.46")
	if n := testing.AllocsPerRun(100, func() { _, _ = ParseFixedBytes(b) }); n != 0 {
		t.Fatalf("ParseFixedBytes allocates %v times per parse", n)
	}
}

func FuzzParseFixedBytes(f *testing.F) {
	for _, s := range parseCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wantErr := ParseFixed(s)
		got, err := ParseFixedBytes([]byte(s))
		if got != want || (err == nil) != (wantErr == nil) {
			t.Errorf("ParseFixedBytes(%q) = %s, %v; ParseFixed = %s, %v", s, got, err, want, wantErr)
		}
	})
}
