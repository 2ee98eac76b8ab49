# supplyeval: the commands a newcomer and CI run. Only Go is needed.
GO      ?= go
BIN     := bin/supplyeval
DATA    ?= ./data
ADDR    ?= 127.0.0.1:8080
BENCHTIME ?= 1s

.PHONY: ui-screenshots run build test test-short bench scale fuzz vet lint clean load crash diskfull outage report-screenshot

## run: build, seed the demo world on first start, serve the web application at http://127.0.0.1:8080/ (GraphQL at /graphql)
run: build
	./$(BIN) serve --demo --data $(DATA) --addr $(ADDR) --log-format console

build:
	$(GO) build -o $(BIN) ./cmd/supplyeval

vet:
	$(GO) vet ./...

## lint: go.mod and go.sum are tidy, and staticcheck (pinned in go.mod as a tool) finds nothing
lint:
	$(GO) mod tidy -diff
	$(GO) tool staticcheck ./...

## test: vet and lint, then every test (the race detector on the concurrent packages)
test: vet lint
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race ./eventstore/... ./projections/... ./graphql/... ./cmd/...

test-short:
	$(GO) test -short ./...

## bench: every performance target of DESIGN.md section 8 that exists so far
## The scale-out figures need the NATS server on 127.0.0.1:4222 (skipped without it): the
## forwarder's throughput on a backlog of FORWARD_EVENTS events, a fresh replica's catch-up
## (end to end: 20,000 events forwarded, then a replica started on an empty directory), and the replica lag (write
## acknowledged on the primary -> visible on a replica) at LAG_RATE batches of 100 observations
## per second for LAG_WRITES batches.
FORWARD_EVENTS ?= 20000
LAG_RATE ?= 100
LAG_WRITES ?= 1000
bench:
	$(GO) test -run '^$$' -skip '^Benchmark(ReplicaLag|Forwarder|ReplicaCatchUp|ReplicaCatchUpNode)$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...
	$(GO) test -run '^$$' -bench '^BenchmarkForwarder$$' -benchtime $(FORWARD_EVENTS)x ./eventstore/natsbus
	$(GO) test -run '^$$' -bench '^BenchmarkReplicaCatchUp$$' -benchtime 20000x ./eventstore/natsbus
	$(GO) test -run '^$$' -bench '^BenchmarkReplicaCatchUpNode$$' -benchtime 20000x ./cmd/supplyeval
	SUPPLYEVAL_LAG_RATE=$(LAG_RATE) $(GO) test -run '^$$' -bench '^BenchmarkReplicaLag$$' -benchtime $(LAG_WRITES)x ./cmd/supplyeval

## scale: the Council-of-Europe-scale benchmark (2,000 regions x 30 indicators x 360 months,
## 10,000 operations, 500 policy changes): ingest, peak RSS, store size, cold start, warm
## restart, series over HTTP. Several minutes; not part of test or bench. SCALE_REGIONS=200
## makes it smaller; SCALE_PROFILE=DIR keeps a CPU profile of each phase.
SCALE_REPORT ?= bin/scale-report.md
scale:
	mkdir -p $(dir $(SCALE_REPORT)) && SUPPLYEVAL_SCALE=1 SCALE_REPORT=$(abspath $(SCALE_REPORT)) $(GO) test -run '^$$' -bench '^BenchmarkScale$$' -benchtime 1x -timeout 30m ./cmd/supplyeval

## fuzz: each fuzz target for FUZZTIME (default 1m)
FUZZTIME ?= 1m
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

## load: LOAD_CLIENTS concurrent clients (default 100) for LOAD_TIME (default 60s) on loopback,
## mixed reads and writes against the demo world; reports errors, throughput and p99
LOAD_TIME ?= 60s
LOAD_CLIENTS ?= 100
load:
	SUPPLYEVAL_LOAD=$(LOAD_TIME) SUPPLYEVAL_LOAD_CLIENTS=$(LOAD_CLIENTS) $(GO) test -count=1 -run '^TestLoad$$' -timeout 30m -v ./cmd/supplyeval

## crash: kill -9 the server CRASH_KILLS times (default 20) during concurrent ingest; after each
## restart every acknowledged write must be there and the store must open cleanly
CRASH_KILLS ?= 20
crash:
	SUPPLYEVAL_CRASH_KILLS=$(CRASH_KILLS) $(GO) test -count=1 -run '^TestCrashLoop$$' -timeout 30m -v ./cmd/supplyeval

## diskfull: as root, fill a tmpfs under a running server: writes become UNAVAILABLE (503)
## before the disk is full, reads go on, writes resume once space is freed, nothing
## acknowledged is lost across kill -9 (make test runs a short form without root)
diskfull:
	SUPPLYEVAL_DISKFULL=1 $(GO) test -count=1 -run '^TestDiskFullOnARealFileSystem$$' -timeout 10m -v ./cmd/supplyeval

## outage: the KurrentDB adapter through a loopback proxy cut for 0.5 s, 3 s and 30 s (make test
## runs the two short ones): writes must work again within 5 s of the link returning
outage:
	SUPPLYEVAL_LONG_OUTAGE=1 $(GO) test -count=1 -run '^TestWritesResumeAfterAnOutage$$' -timeout 5m -v ./eventstore/kurrentdb

clean:
	rm -rf bin

## report-screenshot: a full evaluation cycle on the demo world (open, preview, pin, findings,
## close), its HTML report and a headless Chromium screenshot of it, both left in REPORT_DIR
## (default ./report-out); the screenshot is skipped with a message when Chromium is absent
## (CHROMIUM=/path/to/chromium to choose one)
REPORT_DIR ?= report-out
report-screenshot:
	mkdir -p $(REPORT_DIR)
	SUPPLYEVAL_REPORT_DIR=$(abspath $(REPORT_DIR)) $(GO) test -count=1 -run '^TestFullCycleOnTheDemoWorld$$' -v ./projections/report/
	@ls -l $(REPORT_DIR)

## ui-screenshots: a PNG of every page of the web application on the demo world, and
## pages.md with each page's weight (bytes sent, compressed and decoded, JavaScript) and load
## time, in UI_DIR (default ./ui-out); skipped with a message when Chromium is absent
UI_DIR ?= ui-out
ui-screenshots:
	mkdir -p $(UI_DIR)
	SUPPLYEVAL_UI_DIR=$(abspath $(UI_DIR)) $(GO) test -count=1 -run '^TestUIScreenshots$$' -v ./web/
	@ls -l $(UI_DIR)
