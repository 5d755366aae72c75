package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// The gRPC health service (grpc/grpc-proto grpc/health/v1/health.proto: Health.Check) over cleartext HTTP/2, written
// with the standard library: a gRPC message is a 5-byte prefix (compressed flag, big-endian length) and a protobuf
// body (gRPC doc PROTOCOL-HTTP2.md); HealthCheckResponse is one enum field, `status` = 1 (SERVING: 1, NOT_SERVING: 2),
// so its body is the two bytes 0x08 <status>. The answer carries the pod's name like every HTTP answer.

const (
	healthCheck     = "/grpc.health.v1.Health/Check"
	grpcServing     = 1
	grpcNotServing  = 2
	grpcUnimplement = "12"
)

func grpcFrame(message []byte) []byte {
	frame := make([]byte, 5, 5+len(message))
	binary.BigEndian.PutUint32(frame[1:], uint32(len(message)))
	return append(frame, message...)
}

// grpcHealth answers Health.Check with the server's readiness (any `service` in the request gets the server's).
func (s *server) grpcHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/grpc")
	w.Header().Set("Trailer", "Grpc-Status")
	w.Header().Set("X-Standin-Version", s.cfg.version)
	w.Header().Set("X-Standin-Host", s.host)
	if r.Method != http.MethodPost || r.URL.Path != healthCheck {
		w.Header().Set("Grpc-Status", grpcUnimplement)
		return
	}
	_, _ = io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, 1<<16))
	status := byte(grpcServing)
	if s.readiness() != "" {
		status = grpcNotServing
	}
	_, _ = w.Write(grpcFrame([]byte{0x08, status}))
	w.Header().Set("Grpc-Status", "0")
}

// grpcServer serves the health service on cfg.grpcListen with HTTP/2 without TLS (h2c, prior knowledge), as a
// gateway's GRPCRoute backend with appProtocol kubernetes.io/h2c is called.
func (s *server) grpcServer() *http.Server {
	protocols := new(http.Protocols)
	protocols.SetUnencryptedHTTP2(true)
	return &http.Server{Addr: s.cfg.grpcListen, Handler: http.HandlerFunc(s.grpcHealth), Protocols: protocols,
		ReadHeaderTimeout: 10 * time.Second}
}

// grpcCheck calls Health.Check once on a fresh h2c connection; returns the pod that answered or an error.
func grpcCheck(url, authority string, timeout time.Duration) (string, error) {
	protocols := new(http.Protocols)
	protocols.SetUnencryptedHTTP2(true)
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{Protocols: protocols, DisableKeepAlives: true}}
	req, err := http.NewRequest(http.MethodPost, url+healthCheck, bytes.NewReader(grpcFrame(nil)))
	if err != nil {
		return "", err
	}
	req.Host = authority
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("TE", "trailers")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return "", err
	case resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("HTTP %d", resp.StatusCode)
	case resp.Trailer.Get("Grpc-Status") != "0":
		return "", fmt.Errorf("grpc-status %q", resp.Trailer.Get("Grpc-Status"))
	case !bytes.Equal(body, grpcFrame([]byte{0x08, grpcServing})):
		return "", fmt.Errorf("not SERVING: % x", body)
	}
	return resp.Header.Get("X-Standin-Host"), nil
}

// grpcHealthLoop implements `standin grpc-health [-authority HOST] [-count N] [-timeout D] URL`: N checks, a JSON
// summary like `load` prints; exit 0 only if every one answered SERVING.
func grpcHealthLoop(args []string) int {
	fs := flag.NewFlagSet("grpc-health", flag.ContinueOnError)
	authority := fs.String("authority", "", "HTTP/2 :authority (default: the URL's host)")
	count := fs.Int("count", 1, "number of checks")
	timeout := fs.Duration("timeout", 5*time.Second, "timeout of one check")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *count < 1 {
		fmt.Fprintln(os.Stderr, "usage: standin grpc-health [-authority HOST] [-count N] [-timeout D] http://HOST:PORT")
		return 2
	}
	s := summary{Errors: map[string]int{}, Codes: map[string]int{}, Versions: map[string]int{}, Hosts: map[string]int{},
		StoppedBy: "count"}
	start := time.Now()
	for range *count {
		s.Sent++
		host, err := grpcCheck(fs.Arg(0), *authority, *timeout)
		if err != nil {
			s.Failed++
			s.Errors[err.Error()]++
			continue
		}
		s.OK++
		s.Codes["SERVING"]++
		s.Hosts[host]++
	}
	s.Seconds = time.Since(start).Seconds()
	out, _ := json.Marshal(&s)
	fmt.Println(string(out))
	if s.Failed > 0 {
		return 1
	}
	return 0
}
