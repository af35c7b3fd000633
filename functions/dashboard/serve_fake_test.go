package dashboard

import (
	"net"
	"net/http"
	"os"
	"os/signal"
	"testing"
	"time"
)

// site serves the dashboard at / and the fake API and relay under /api/.
func site(fake *fakeAPI, opts Options) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/", fake)
	mux.Handle("/", Handler(opts))
	return mux
}

// TestServeFake is not a test: it serves the dashboard against the fake API
// for a person to look at, when DASHBOARD_FAKE_LISTEN names an address:
//
//	DASHBOARD_FAKE_LISTEN=127.0.0.1:8099 go test -run TestServeFake -timeout 0 ./functions/dashboard/
func TestServeFake(t *testing.T) {
	addr := os.Getenv("DASHBOARD_FAKE_LISTEN")
	if addr == "" {
		t.Skip("set DASHBOARD_FAKE_LISTEN=host:port to serve the dashboard against the fake API")
	}
	fake := newFakeAPI(time.Now().UTC())
	fake.tickPrices = true
	fake.afterConnect["trades"] = []fakeEvent{{"trades:updated", append([]map[string]any{fake.newTrade("trade-sse-1")}, fake.trades...)}}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: site(fake, Options{Title: os.Getenv("DASHBOARD_TITLE")}), ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(t.Context(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		fake.close()
		_ = srv.Close()
	}()
	t.Logf("dashboard at http://%s/", ln.Addr())
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		t.Fatal(err)
	}
	if err := fake.drift.err(); err != nil {
		t.Error(err)
	}
}
