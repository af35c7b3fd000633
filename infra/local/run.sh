#!/usr/bin/env bash
# `make run`: the whole arena on this machine, offline by default.
# Services (PostgreSQL, Redis) -> migrate -> seed -> worker, relay, API and the
# local gateway, which serves the dashboard, /api/rpc/* and /api/events/* on
# one port like API Gateway plus a load balancer would. Ctrl-C stops it all.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

eval "$(infra/local/services.sh up)"
export LOG_LEVEL=${LOG_LEVEL:-info}
# A local admin token (mutating RPCs, queue monitoring), kept across runs.
if [ -z "${ADMIN_TOKEN:-}" ]; then
  mkdir -p .run # absent when DATABASE_URL and REDIS_URL point at running servers
  [ -s .run/admin-token ] || head -c 18 /dev/urandom | base64 | tr -d '/+=' > .run/admin-token
  ADMIN_TOKEN=$(cat .run/admin-token)
fi
export ADMIN_TOKEN
export RELAY_ADDR=${RELAY_ADDR:-127.0.0.1:8083}
export API_ADDR=${API_ADDR:-127.0.0.1:8084}
export GATEWAY_ADDR=${GATEWAY_ADDR:-127.0.0.1:8081}
export GATEWAY_API_URL=${GATEWAY_API_URL:-http://$API_ADDR}
export GATEWAY_RELAY_URL=${GATEWAY_RELAY_URL:-http://$RELAY_ADDR}
export CHAT_ADDR=${CHAT_ADDR:-127.0.0.1:8086}
export GATEWAY_CHAT_URL=${GATEWAY_CHAT_URL:-http://$CHAT_ADDR}
# The gateway connects to the API and the relay from loopback and names the
# client in X-Forwarded-For: trust exactly that, so per-address limits count
# each client, not the gateway.
export TRUSTED_PROXIES=${TRUSTED_PROXIES:-127.0.0.1/32,::1/128}
# The live season records itself (journals, model calls, the feed) and
# publishes each finished hour as a verifiable bundle on the Seasons page.
export SEASON_DIR=${SEASON_DIR:-$root/.run/season}
export SEASON_PERIOD=${SEASON_PERIOD:-1h}

echo "run: building binaries into bin/"
go build -o bin/ ./worker/cmd/worker ./worker/cmd/relay ./functions/rpc ./functions/chat ./infra/gateway

bin/worker migrate
bin/worker seed

# Each process runs in its own process group (job control), so Ctrl-C
# reaches this script alone, which stops them in order: the gateway first
# (it stops taking requests and answers those in flight, which need the API
# and the worker) with the relay (its streams end), then the API and chat, then the
# worker. Nothing is cut off mid-request.
set -m
declare -A pids
stop() {
  trap '' INT TERM # a second Ctrl-C does not cut the drain short
  trap - EXIT
  stopping=1
  echo
  echo "run: stopping (requests in flight are answered first)"
  halt "${pids[gateway]}" "${pids[relay]}"
  halt "${pids[api]}" "${pids[chat]}"
  halt "${pids[worker]}"
  echo "run: stopped (PostgreSQL and Redis keep running; 'make services-down' stops them)"
}
trap stop INT TERM EXIT

halt() { # pids: TERM them, then wait for each to exit
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}

start() { # name, command...
  local name=$1; shift
  # The log prefixer ignores INT and TERM and ends when its process's output
  # does: a prefixer killed by Ctrl-C first would make the draining process
  # die of SIGPIPE at its next log line.
  "$@" > >(trap '' INT TERM; exec sed -u "s/^/[$name] /") 2>&1 &
  pids[$name]=$!
}
start worker bin/worker
start relay bin/relay
start api bin/rpc
start chat bin/chat
start gateway bin/gateway

url="http://${GATEWAY_ADDR/127.0.0.1/localhost}"
for _ in $(seq 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
cat <<MSG

  Arena is up:   $url
  Prices (RPC):  curl -s -X POST $url/api/rpc/trading/getCryptoPrices -H 'content-type: application/json' -d '{"json":{}}'
  Prices (SSE):  curl -N $url/api/events/prices
  Co-pilot:      curl -s "$url/api/chat?format=json" -H 'content-type: application/json' -d '{"messages":[{"role":"user","content":"Who is winning?"}]}'
  Worker admin:  http://${WORKER_ADMIN_ADDR:-127.0.0.1:8082}/health
  Job queues:    http://${WORKER_ADMIN_ADDR:-127.0.0.1:8082}/monitoring/  (sign in with the admin token)
  Admin token:   $ADMIN_TOKEN  (Authorization: Bearer … for simulator.placeOrder / resetAccount)
  Seasons:       $url/#/seasons  (each finished $SEASON_PERIOD of the live arena, from $SEASON_DIR;
                 bin/worker season verify $SEASON_DIR/<bundle>.tar.zst checks one offline)
  Metrics:       http://${WORKER_ADMIN_ADDR:-127.0.0.1:8082}/metrics (worker; Bearer the admin token)
                 http://${RELAY_ADDR}/metrics (relay)   http://${API_ADDR}/metrics (API)
  Ctrl-C stops everything.

MSG
wait -n "${pids[@]}" || true
[ -n "${stopping:-}" ] || echo "run: a process exited; stopping the rest"
