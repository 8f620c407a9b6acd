# vigil — make targets. `make demo` and `make test` are what a newcomer runs.
GO      ?= go
BIN     := bin/vigil
PKGS    := ./...
FUZZTIME ?= 60s

.PHONY: all build test demo bench fuzz lint deps clean proto install cluster-test

# Installation layout (make install [PREFIX=/usr/local] [DESTDIR=staging]).
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
BINDIR     := $(PREFIX)/bin
DATADIR    := $(PREFIX)/share/vigil
MANDIR     := $(PREFIX)/share/man/man1
DOCDIR     := $(PREFIX)/share/doc/vigil
UNITDIR    ?= $(PREFIX)/lib/systemd/system

all: build

# deps installs the system tools the tests and script agents need (dash, perl,
# procps, ...). It does nothing when they are present; as root it uses apt-get.
deps:
	@sh hack/deps.sh

build:
	$(GO) build -o $(BIN) ./cmd/vigil

# RACE_PKGS are the packages with goroutines of their own (workers, the bus,
# the API server, process reaping, trigger runs). `make test` runs every
# package once without the race detector, then these again under -race: the
# plain run keeps the timing-sensitive tests at native speed, the race run
# finds unsynchronised access. On a 2-core machine the race run takes about
# 35 s with a warm build cache (the same with both cores kept busy) and about
# 70 s cold; framework/runner and framework/agent are the slow ones (about
# 25 s and 22 s, wall-clock bound by their real child processes and timers).
RACE_PKGS := ./framework/engine ./framework/agent ./framework/api/... ./framework/daemon \
	./framework/runner ./framework/events ./framework/trigger ./framework/metrics ./framework/cluster \
	./plugins/host ./plugins/sdk/inproc ./plugins/imf ./plugins/imf/process ./plugins/imf/mount

test: deps build
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 30m $(PKGS)
	$(GO) test -race -count=1 -timeout 30m $(RACE_PKGS)

# cluster-test runs the three-node test bed (test/cluster: network namespaces,
# root) with the kill and partition scenarios repeated 20 times and prints
# the failover times (p50/p99) that docs/performance.md records; `make test`
# runs every scenario once (about 40 s).
CLUSTER_ROUNDS ?= 20
cluster-test: deps build
	VIGIL_CLUSTER_ROUNDS=$(CLUSTER_ROUNDS) $(GO) test -count=1 -v -timeout 60m ./test/cluster 2>&1 | \
		grep -E '^(=== RUN|--- |ok|FAIL|PASS)|scenarios_test.go|overlap'

demo: deps build
	@sh hack/demo.sh

bench: deps build
	@sh hack/bench.sh

# proto regenerates plugins/proto from agent.proto with pinned generators
# (hack/proto.sh installs protoc from Debian's protobuf-compiler when it is
# missing; `make test` never needs it: the generated code is committed).
proto:
	@sh hack/proto.sh

fuzz:
	$(GO) test ./framework/config -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	$(GO) test ./plugins/amfxml -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet $(PKGS)

# install puts the binary, the shipped type files, the helper libraries (the
# binary embeds both; the copies are for reading and for agents run outside
# vigil), the systemd unit (pointing at the installed binary), the docs, man
# pages generated from the command tree and an example settings file. An
# existing $(SYSCONFDIR)/vigil/vigil.yaml is never overwritten.
install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/typedefs $(DESTDIR)$(DATADIR)/bin \
		$(DESTDIR)$(MANDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/vigil
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/vigil
	install -m 0644 typedefs/*.cf $(DESTDIR)$(DATADIR)/typedefs/
	install -m 0644 scripts/ag_i18n_inc.sh scripts/ag_i18n_inc.pm $(DESTDIR)$(DATADIR)/bin/
	sed 's|/usr/local/bin/vigil|$(BINDIR)/vigil|g; s|/usr/local/share/doc/vigil|$(DOCDIR)|g; s|/etc/vigil|$(SYSCONFDIR)/vigil|g' \
		packaging/systemd/vigil.service > $(DESTDIR)$(UNITDIR)/vigil.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/vigil.service
	install -m 0644 docs/*.md README.md $(DESTDIR)$(DOCDIR)/
	$(BIN) man $(DESTDIR)$(MANDIR)
	install -m 0644 packaging/vigil.yaml $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.yaml.example
	test -e $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.yaml || \
		install -m 0644 packaging/vigil.yaml $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.yaml

clean:
	rm -rf bin
