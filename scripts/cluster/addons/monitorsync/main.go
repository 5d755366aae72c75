// Command monitorsync turns the cluster's ServiceMonitors into scrape jobs for VictoriaMetrics, so a Prometheus query
// API on the local cluster scrapes what the chart asks a Prometheus Operator (monitoring.coreos.com/v1) or Azure
// Managed Prometheus (azmonitoring.coreos.com/v1) to scrape, with the same target labels. Every -interval it lists the
// ServiceMonitors of both groups through the API server (with the pod's ServiceAccount token) and, when the result
// changed, rewrites -out (JSON, which VictoriaMetrics reads as YAML; it re-reads the file every
// -promscrape.configCheckInterval).
//
// It answers GET /ready with 200 once the file is written (a startup probe, so that VictoriaMetrics starts after it).
//
//	monitorsync -out /config/scrape.json [-interval 2s] [-listen :8081]
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

const serviceAccount = "/var/run/secrets/kubernetes.io/serviceaccount"

// The ServiceMonitor groups read, in this order.
var groups = []string{"monitoring.coreos.com/v1", "azmonitoring.coreos.com/v1"}

func main() {
	out := flag.String("out", "", "scrape configuration file to write")
	interval := flag.Duration("interval", 2*time.Second, "time between two reads of the ServiceMonitors")
	listen := flag.String("listen", ":8081", "address of the /ready endpoint")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: monitorsync -out FILE [-interval 2s] [-listen :8081]")
		os.Exit(2)
	}
	api, err := newAPI()
	if err != nil {
		log.Fatal(err)
	}
	var written atomic.Bool
	http.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		if !written.Load() {
			http.Error(w, "no configuration written yet", http.StatusServiceUnavailable)
		}
	})
	server := &http.Server{Addr: *listen, ReadHeaderTimeout: 5 * time.Second}
	go func() { log.Fatal(server.ListenAndServe()) }()
	var last []byte
	for ; ; time.Sleep(*interval) {
		monitors, err := api.serviceMonitors()
		if err != nil {
			log.Print(err)
			continue
		}
		data, _ := json.MarshalIndent(map[string]any{"scrape_configs": scrapeConfigs(monitors)}, "", " ")
		if bytes.Equal(data, last) {
			continue
		}
		if err := writeFile(*out, data); err != nil {
			log.Print(err)
			continue
		}
		last = data
		written.Store(true)
		log.Printf("%d ServiceMonitors written to %s", len(monitors), *out)
	}
}

// writeFile replaces the file in one rename, so VictoriaMetrics never reads half of it.
func writeFile(path string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// api is the in-cluster API server, as a pod reaches it (KUBERNETES_SERVICE_HOST and _PORT, the ServiceAccount's CA).
type api struct {
	base   string
	client *http.Client
}

func newAPI() (*api, error) {
	ca, err := os.ReadFile(serviceAccount + "/ca.crt")
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("no certificate in %s/ca.crt", serviceAccount)
	}
	host := net.JoinHostPort(os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT"))
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return &api{base: "https://" + host, client: &http.Client{Timeout: 10 * time.Second, Transport: transport}}, nil
}

// serviceMonitors lists the ServiceMonitors of every group whose CRD is installed (404: not installed).
func (a *api) serviceMonitors() ([]serviceMonitor, error) {
	var all []serviceMonitor
	for _, group := range groups {
		// the token is read each time: a projected token is rotated in place
		token, err := os.ReadFile(serviceAccount + "/token")
		if err != nil {
			return nil, err
		}
		req, _ := http.NewRequest(http.MethodGet, a.base+"/apis/"+group+"/servicemonitors", nil)
		req.Header.Set("Authorization", "Bearer "+string(bytes.TrimSpace(token)))
		resp, err := a.client.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case err != nil:
			return nil, err
		case resp.StatusCode == http.StatusNotFound:
			continue
		case resp.StatusCode != http.StatusOK:
			return nil, fmt.Errorf("list %s servicemonitors: %s: %s", group, resp.Status, bytes.TrimSpace(body))
		}
		var list struct{ Items []serviceMonitor }
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, fmt.Errorf("list %s servicemonitors: %w", group, err)
		}
		all = append(all, list.Items...)
	}
	return all, nil
}
