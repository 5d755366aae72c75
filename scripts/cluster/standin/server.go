package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// server holds the switches the probes read and the counters /metrics prints.
type server struct {
	cfg      config
	started  time.Time
	host     string
	unready  atomic.Bool // POST /admin/unready
	hung     atomic.Bool // POST /admin/hang: every non-admin request blocks until the client gives up
	draining atomic.Bool // SIGTERM received
	slots    chan struct{}
	waiting  atomic.Int64
	running  atomic.Int64
	success  [2]atomic.Int64 // by finish reason: stop, length
	seq      atomic.Int64
}

func newServer(cfg config) *server {
	host, _ := os.Hostname()
	return &server{cfg: cfg, started: time.Now(), host: host, slots: make(chan struct{}, cfg.maxRunning)}
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", s.health)
	mux.HandleFunc("GET /live", s.live)
	mux.HandleFunc("GET /metrics", s.metrics)
	mux.HandleFunc("GET /v1/models", s.models)
	mux.HandleFunc("POST /v1/completions", s.completions)
	mux.HandleFunc("POST /admin/{action}", s.admin)
	return s.hangable(mux)
}

// hangable blocks every request but /admin/* while the server is "hung": the process
// and its socket stay up (a TCP probe still connects), only HTTP answers stop.
func (s *server) hangable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Standin-Version", s.cfg.version)
		w.Header().Set("X-Standin-Host", s.host)
		if s.hung.Load() && !strings.HasPrefix(r.URL.Path, "/admin/") {
			<-r.Context().Done()
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readiness is "" when ready, else why not.
func (s *server) readiness() string {
	switch {
	case s.draining.Load():
		return "draining"
	case time.Since(s.started) < s.cfg.startupDelay:
		return "loading"
	case s.unready.Load():
		return "unready (admin)"
	}
	if _, err := os.Stat(s.cfg.unreadyFile); err == nil {
		return "unready (" + s.cfg.unreadyFile + ")"
	}
	return ""
}

func (s *server) health(w http.ResponseWriter, _ *http.Request) {
	if why := s.readiness(); why != "" {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": why})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *server) live(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "alive"})
}

func (s *server) admin(w http.ResponseWriter, r *http.Request) {
	switch action := r.PathValue("action"); action {
	case "ready":
		s.unready.Store(false)
	case "unready":
		s.unready.Store(true)
	case "hang":
		s.hung.Store(true)
	default:
		writeError(w, http.StatusNotFound, "unknown admin action "+action+" (ready, unready, hang)", "action")
		return
	}
	log.Printf("admin: %s", r.PathValue("action"))
	writeJSON(w, http.StatusOK, map[string]string{"status": r.PathValue("action")})
}

func writeJSON(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// writeError answers in the OpenAI error shape.
func writeError(w http.ResponseWriter, code int, msg, param string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{
		"message": msg, "type": "invalid_request_error", "param": param, "code": nil,
	}})
}

// serve runs until SIGTERM/SIGINT, then drains (unready, still serving) for
// cfg.drain and shuts down gracefully, finishing requests in flight.
func serve(cfg config) int {
	s := newServer(cfg)
	srv := &http.Server{Addr: cfg.listen, Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	errc := make(chan error, 2)
	go func() { errc <- srv.ListenAndServe() }()
	servers := []*http.Server{srv}
	if cfg.grpcListen != "" {
		grpcSrv := s.grpcServer()
		servers = append(servers, grpcSrv)
		go func() { errc <- grpcSrv.ListenAndServe() }()
	}
	log.Printf("standin %s: model %q on %s (startup delay %s, drain %s)", cfg.version, cfg.model, cfg.listen,
		cfg.startupDelay, cfg.drain)
	select {
	case err := <-errc:
		fmt.Fprintln(os.Stderr, "standin:", err)
		return 1
	case sig := <-stop:
		log.Printf("%s: draining for %s", sig, cfg.drain)
	}
	s.draining.Store(true)
	time.Sleep(cfg.drain)
	// Every request in flight finishes, however long it takes, as a model server does: the pod's grace period
	// (the kubelet's SIGKILL) is the only bound.
	for _, one := range servers {
		if err := one.Shutdown(context.Background()); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "standin: shutdown:", err)
			return 1
		}
	}
	log.Print("stopped")
	return 0
}
