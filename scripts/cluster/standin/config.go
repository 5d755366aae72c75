package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

// config of the server, read from the environment (the chart's `config` map and
// `extraEnv` set these).
type config struct {
	listen       string        // STANDIN_LISTEN, default ":8000" (the chart's containerPort)
	model        string        // STANDIN_MODEL, the id /v1/models lists and completions require
	startupDelay time.Duration // STANDIN_STARTUP_DELAY: /health answers 503 "loading" this long after start
	unreadyFile  string        // STANDIN_UNREADY_FILE: while this file exists /health answers 503
	drain        time.Duration // STANDIN_DRAIN: after SIGTERM, keep serving (unready) this long, then shut down
	tokenDelay   time.Duration // STANDIN_TOKEN_DELAY: time to "generate" one token
	maxRunning   int           // STANDIN_MAX_RUNNING: completions served at once; the rest wait (queue depth)
	version      string        // STANDIN_VERSION: reported in X-Standin-Version and /v1/models
	grpcListen   string        // STANDIN_GRPC_LISTEN, e.g. ":8001": the gRPC health service (h2c) there; empty: off
}

func configFromEnv() config {
	return config{
		listen:       env("STANDIN_LISTEN", ":8000"),
		model:        env("STANDIN_MODEL", "standin-echo"),
		startupDelay: duration("STANDIN_STARTUP_DELAY", 0),
		unreadyFile:  env("STANDIN_UNREADY_FILE", "/tmp/standin-unready"),
		drain:        duration("STANDIN_DRAIN", 0),
		tokenDelay:   duration("STANDIN_TOKEN_DELAY", 0),
		maxRunning:   integer("STANDIN_MAX_RUNNING", 4),
		version:      env("STANDIN_VERSION", "1"),
		grpcListen:   env("STANDIN_GRPC_LISTEN", ""),
	}
}

func env(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return fallback
}

func duration(key string, fallback time.Duration) time.Duration {
	v := env(key, "")
	if v == "" {
		return fallback
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "standin: %s=%q is not a duration (e.g. 5s): %v\n", key, v, err)
		os.Exit(2)
	}
	return d
}

func integer(key string, fallback int) int {
	v := env(key, "")
	if v == "" {
		return fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		fmt.Fprintf(os.Stderr, "standin: %s=%q must be a positive integer\n", key, v)
		os.Exit(2)
	}
	return n
}

// configWithArgs applies the arguments of `standin serve` (a canary's `args` can name another version).
func configWithArgs(cfg config, args []string) (config, bool) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&cfg.version, "version", cfg.version, "version reported in X-Standin-Version (wins over STANDIN_VERSION)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: standin serve [-version V]")
		return cfg, false
	}
	return cfg, true
}
