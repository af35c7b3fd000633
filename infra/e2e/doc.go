// Package e2e tests the whole arena as it runs: the real worker, relay, API
// and gateway binaries as separate processes on real PostgreSQL and Redis,
// driven through their public interfaces (oRPC, SSE, the browser). The
// processes are killed and restarted to prove that nothing is lost.
package e2e
