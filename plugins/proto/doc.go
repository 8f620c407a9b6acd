// Package proto is the gRPC protocol between the plugin host
// (plugins/host) and a Go agent plugin (plugins/sdk.Serve): agent.proto and
// the code generated from it, committed. `make proto` regenerates it with
// the pinned generator versions named in hack/proto.sh.
package proto
