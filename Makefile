# vigil — make targets. `make demo` and `make test` are what a newcomer runs.
GO      ?= go
BIN     := bin/vigil
PKGS    := ./...
FUZZTIME ?= 60s

.PHONY: all build test demo bench fuzz lint deps clean

all: build

# deps installs the system tools the tests and script agents need (dash, perl,
# procps, ...). It does nothing when they are present; as root it uses apt-get.
deps:
	@sh hack/deps.sh

build:
	$(GO) build -o $(BIN) ./cmd/vigil

test: deps build
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 30m $(PKGS)

demo: deps build
	@sh hack/demo.sh

bench: deps build
	@sh hack/bench.sh

fuzz:
	$(GO) test ./framework/config -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet $(PKGS)

clean:
	rm -rf bin
