package clientaddr_test

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/autonome-go/autonome/shared/clientaddr"
)

func TestAddr(t *testing.T) {
	proxies := []string{"127.0.0.1/32", "::1", "10.0.0.0/8"}
	for _, tc := range []struct {
		name    string
		trusted []string
		peer    string
		xff     []string
		want    string
	}{
		{"no proxy trusted: the peer, whatever the header", nil, "127.0.0.1:5000", []string{"1.2.3.4"}, "127.0.0.1"},
		{"untrusted peer forging the header", proxies, "203.0.113.9:5000", []string{"1.2.3.4"}, "203.0.113.9"},
		{"trusted proxy: the address it appended", proxies, "127.0.0.1:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"the client's own entries to the left are ignored", proxies, "127.0.0.1:5000", []string{"1.2.3.4, 198.51.100.7"}, "198.51.100.7"},
		{"trusted hops are skipped", proxies, "127.0.0.1:5000", []string{"1.2.3.4, 198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"repeated header lines read as one list", proxies, "127.0.0.1:5000", []string{"1.2.3.4", "198.51.100.7"}, "198.51.100.7"},
		{"trusted proxy without the header", proxies, "127.0.0.1:5000", nil, "127.0.0.1"},
		{"garbage stops the walk at the hop that wrote it", proxies, "10.0.0.2:5000", []string{"1.2.3.4, nonsense"}, "10.0.0.2"},
		{"every hop trusted: the leftmost", proxies, "127.0.0.1:5000", []string{"10.9.9.9, 10.0.0.1"}, "10.9.9.9"},
		{"IPv6 peer", proxies, "[::1]:5000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"IPv4-mapped peer", proxies, "[::ffff:127.0.0.1]:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"single address entry", []string{"192.0.2.1"}, "192.0.2.1:1", []string{"198.51.100.7"}, "198.51.100.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := clientaddr.New(tc.trusted)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
			req.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			if got := r.Addr(req); got != tc.want {
				t.Fatalf("Addr = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestNewRejectsWhatIsNotACIDR(t *testing.T) {
	for _, bad := range []string{"true", "10.0.0.0/33", "localhost", "1.2.3"} {
		if _, err := clientaddr.New([]string{bad}); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
	if r, err := clientaddr.New([]string{" ", ""}); err != nil || r.Trusts(mustAddr("127.0.0.1")) {
		t.Fatalf("blank entries: %v", err)
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
