# The arena's commands. `make help` lists them.
SHELL := /usr/bin/env bash
GO ?= go
SERVICES := eval "$$(infra/local/services.sh up)"
LAMBDA_ENV := CGO_ENABLED=0 GOOS=linux GOARCH=arm64
LAMBDA_FLAGS := -tags lambda.norpc -trimpath -ldflags='-s -w'

.DEFAULT_GOAL := help
.PHONY: help run test test-short bench bench-sse build build-lambda vet fmt services-up services-down clean \
	build-RpcFunction build-DashboardFunction build-ChatFunction bench-api test-orpc-client test-ai-sdk-client test-lighter-oracle

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

run: ## bring up the whole arena at http://localhost:8081 (offline; Ctrl-C stops)
	@infra/local/run.sh

test: ## run every test with the race detector against real PostgreSQL and Redis
	@infra/local/tools.sh && $(SERVICES) && $(GO) vet ./... && $(GO) test -race -count=1 -timeout 20m ./...

bench: ## run the benchmarks (exchange, feeds, prompts, API) and print the figures
	@$(SERVICES) && $(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

bench-sse: ## hold 10 000 SSE clients at 20 events/s and report latency and memory (the relay, then the plain design it is compared with)
	@$(SERVICES) && uptime && status=0 && \
		{ $(GO) run ./worker/cmd/ssebench -clients 10000 -rate 20 -duration 30s || status=$$?; } && \
		echo "--- the plain design (a goroutine per client through http.ResponseWriter), for comparison:" && \
		$(GO) run ./worker/cmd/ssebench -clients 10000 -rate 20 -duration 30s -plain -check=false; \
		uptime; exit $$status

build: ## build every binary into bin/
	$(GO) build -o bin/ ./...

build-lambda: build-RpcFunction build-DashboardFunction build-ChatFunction ## build the Lambda artifacts (bootstrap, arm64, provided.al2023) into dist/, zipped for upload
	@command -v zip >/dev/null || { echo "build-lambda: zip is not installed (apt-get install zip)"; exit 1; }
	@cd dist/rpc && rm -f ../rpc.zip && zip -q -X ../rpc.zip bootstrap
	@cd dist/web && rm -f ../web.zip && zip -q -X ../web.zip bootstrap
	@cd dist/chat && rm -f ../chat.zip && zip -q -X ../chat.zip bootstrap
	@echo "Lambda artifacts: dist/rpc.zip, dist/web.zip and dist/chat.zip (bootstrap, provided.al2023, arm64)"

# SAM's BuildMethod: makefile calls build-<LogicalId> with ARTIFACTS_DIR set.
build-RpcFunction:
	mkdir -p $(or $(ARTIFACTS_DIR),dist/rpc)
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(or $(ARTIFACTS_DIR),dist/rpc)/bootstrap ./functions/rpc

build-DashboardFunction:
	mkdir -p $(or $(ARTIFACTS_DIR),dist/web)
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(or $(ARTIFACTS_DIR),dist/web)/bootstrap ./functions/web

build-ChatFunction:
	mkdir -p $(or $(ARTIFACTS_DIR),dist/chat)
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(or $(ARTIFACTS_DIR),dist/chat)/bootstrap ./functions/chat

vet: ## go vet and gofmt check
	$(GO) vet ./... && test -z "$$(gofmt -l $$(git ls-files '*.go'))"

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

services-up: ## start (or find) PostgreSQL and Redis and print their URLs
	@infra/local/services.sh up

services-down: ## stop the private PostgreSQL and Redis that make run/test started
	@infra/local/services.sh down

clean: ## remove build outputs (keeps the database)
	rm -rf bin dist .aws-sam

bench-api: ## API latency: p50/p99 of every procedure over 21 models, 100k orders, 1M snapshots; cold start
	@$(SERVICES) && $(GO) test -run '^$$' -bench 'BenchmarkProcedures' -benchtime 200x -timeout 30m ./functions/internal/rpc/ && \
		$(GO) test -run '^$$' -bench 'BenchmarkColdStart' -benchtime 30x -timeout 10m ./functions/rpc/

test-ai-sdk-client: ## the AI SDK's own client (ai, pinned) reads the co-pilot's /api/chat stream; needs node and npm (required when CI=true)
	@$(SERVICES) && $(GO) test -count=1 -run 'TestAISDKClient' -v ./functions/internal/chat/

test-lighter-oracle: ## the Go signer against the venue's own (wasm, pinned npm package) on 5000 random transactions; needs node and npm
	$(GO) test -count=1 -run 'TestOracle' -oracle.n=5000 -timeout 30m -v ./worker/internal/lighter/signer/

test-orpc-client: ## the official @orpc/client (pinned) against the API; needs node and npm (required when CI=true)
	@$(SERVICES) && $(GO) test -count=1 -run 'TestOfficialORPCClient' -v ./functions/internal/rpc/
