package lighter

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

func TestWireScalars(t *testing.T) {
	var v struct {
		A, B, C, D decimal
		N, M, O    number
	}
	in := `{"A":"3327.46","B":0.5,"C":null,"D":"","N":"1.25","M":-3e-2,"O":null}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if arena.Fixed(v.A) != arena.MustFixed("3327.46") || arena.Fixed(v.B) != arena.MustFixed("0.5") || v.C != 0 || v.D != 0 {
		t.Errorf("decimals %+v", v)
	}
	if v.N != 1.25 || v.M != -0.03 || v.O != 0 || v.M.fixed() != arena.MustFixed("-0.03") {
		t.Errorf("numbers %+v", v)
	}
	for _, bad := range []string{`{"A":"1e3"}`, `{"A":"0.000000001"}`, `{"N":"x"}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestEpoch(t *testing.T) {
	want := time.Date(2024, 7, 30, 11, 40, 48, 0, time.UTC)
	for _, v := range []int64{1722339648, 1722339648000, 1722339648000000, 1722339648000000000} {
		if got := epoch(v); !got.Equal(want) {
			t.Errorf("epoch(%d) = %v", v, got)
		}
	}
	if !epoch(0).IsZero() {
		t.Error("epoch(0) not zero")
	}
}
