#!/bin/sh
# Regenerates plugins/proto from agent.proto with pinned generators:
# protoc from Debian's protobuf-compiler (installed here when missing, so
# `make test` never needs it), protoc-gen-go and protoc-gen-go-grpc at the
# versions below, installed into bin/protogen.
set -e
PROTOC_GEN_GO=v1.36.12
PROTOC_GEN_GO_GRPC=v1.5.1
if ! command -v protoc >/dev/null 2>&1; then
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq protobuf-compiler
fi
root=$(cd "$(dirname "$0")/.." && pwd)
gen="$root/bin/protogen"
GOBIN="$gen" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO"
GOBIN="$gen" go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC"
cd "$root/plugins/proto"
PATH="$gen:$PATH" protoc --go_out=. --go_opt=paths=source_relative \
	--go-grpc_out=. --go-grpc_opt=paths=source_relative agent.proto
