// Command standin is a small OpenAI-compatible model server with the API shape of
// the inference servers the chart deploys (vLLM and friends): /v1/models,
// /v1/completions, /health, a liveness endpoint, Prometheus /metrics and, with
// STANDIN_GRPC_LISTEN, the gRPC health service (grpc.go). It answers from a trivial
// built-in model, so the chart's probes, Service, routes and rollout can be exercised
// on a real kubelet without a real model. The same binary is the client the tests run
// in pods (get, load, grpc-health, and busybox-style wget).
//
//	standin [serve [-version V]]    run the server (configured by STANDIN_* env, see config.go; -version wins
//	                                over STANDIN_VERSION, as a model server's arguments pick its model)
//	standin get URL                 GET URL, print the body; exit 1 unless 2xx
//	standin post URL [BODY]         POST BODY (JSON) to URL, print the body; exit 1 unless 2xx
//	standin load -url URL ...       a bounded request loop (-host, -concurrency); prints a JSON summary
//	standin grpc-health URL         gRPC Health.Check over h2c (-authority, -count); prints a JSON summary
//	standin touch PATH              create an empty file (readiness switch, stop file)
//	wget [-q] [-O FILE] [-T SEC] [--spider] URL   (when invoked as wget)
//	true                                          (when invoked as true: exit 0, for exec probes)
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	os.Exit(run(os.Args))
}

func run(args []string) int {
	switch filepath.Base(args[0]) {
	case "wget":
		return wget(args[1:])
	case "true":
		return 0
	}
	cmd, rest := "serve", []string(nil)
	if len(args) > 1 {
		cmd, rest = args[1], args[2:]
	}
	switch cmd {
	case "serve":
		cfg, ok := configWithArgs(configFromEnv(), rest)
		if !ok {
			return 2
		}
		return serve(cfg)
	case "get", "post":
		return fetch(cmd, rest)
	case "load":
		return load(rest)
	case "grpc-health":
		return grpcHealthLoop(rest)
	case "touch":
		return touch(rest)
	case "wget":
		return wget(rest)
	default:
		fmt.Fprintf(os.Stderr, "standin: unknown command %q (serve, get, post, load, grpc-health, touch, wget)\n", cmd)
		return 2
	}
}

func touch(paths []string) int {
	for _, p := range paths {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		_ = f.Close()
	}
	return 0
}
