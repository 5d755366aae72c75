package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

// summary of a request loop, printed as one JSON line.
type summary struct {
	Sent      int            `json:"sent"`
	OK        int            `json:"ok"`
	Failed    int            `json:"failed"`
	Errors    map[string]int `json:"errors"`   // failure -> count
	Codes     map[string]int `json:"codes"`    // HTTP status of every answer -> count
	Versions  map[string]int `json:"versions"` // X-Standin-Version of successful answers -> count
	Hosts     map[string]int `json:"hosts"`    // X-Standin-Host (pod name) of successful answers -> count
	Seconds   float64        `json:"seconds"`
	StoppedBy string         `json:"stopped_by"` // count, stop-file, max-duration or hosts
	mu        sync.Mutex
}

// loadOptions of `standin load`.
type loadOptions struct {
	url, body, host, stopFile      string
	count, concurrency, untilHosts int
	interval, timeout, maxDuration time.Duration
	method                         string
	payload                        []byte
}

func parseLoad(args []string) (loadOptions, bool) {
	var o loadOptions
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.StringVar(&o.url, "url", "", "URL to call")
	fs.StringVar(&o.body, "body", "", "JSON body; when set the request is a POST")
	fs.StringVar(&o.host, "host", "", "Host header (default: the URL's host)")
	fs.IntVar(&o.count, "count", 100, "maximum number of requests")
	fs.IntVar(&o.concurrency, "concurrency", 1, "requests in flight at once (each worker sends one after another)")
	fs.DurationVar(&o.interval, "interval", 50*time.Millisecond, "pause between two requests of a worker")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Second, "timeout of one request")
	fs.StringVar(&o.stopFile, "stop-file", "", "stop once this file exists")
	fs.DurationVar(&o.maxDuration, "max-duration", 5*time.Minute, "stop after this long")
	fs.IntVar(&o.untilHosts, "until-hosts", 0, "stop once this many hosts (X-Standin-Host) have answered with 2xx")
	if err := fs.Parse(args); err != nil || o.url == "" || o.count < 1 || o.concurrency < 1 {
		fmt.Fprintln(os.Stderr, "usage: standin load -url URL [-body JSON] [-host HOST] [-count N] [-concurrency N] "+
			"[-interval D] [-timeout D] [-stop-file PATH] [-max-duration D] [-until-hosts N]")
		return o, false
	}
	o.method = "GET"
	if o.body != "" {
		o.method, o.payload = "POST", []byte(o.body)
	}
	return o, true
}

// load runs a bounded request loop: at most -count requests from -concurrency workers, each pausing -interval
// between its requests, ending early when -stop-file appears, after -max-duration, or once -until-hosts hosts have
// answered (a gateway that serves every pod of a route). Exit 0 only if every request got a 2xx answer.
func load(args []string) int {
	o, ok := parseLoad(args)
	if !ok {
		return 2
	}
	s := &summary{Errors: map[string]int{}, Codes: map[string]int{}, Versions: map[string]int{}, Hosts: map[string]int{},
		StoppedBy: "count"}
	start := time.Now()
	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Go(func() {
			for s.next(o, start) {
				s.record(request(o.method, o.url, o.payload, o.host, o.timeout))
				time.Sleep(o.interval)
			}
		})
	}
	wg.Wait()
	s.Seconds = time.Since(start).Seconds()
	out, _ := json.Marshal(s)
	fmt.Println(string(out))
	if s.Failed > 0 {
		return 1
	}
	return 0
}

// next claims the next request of the loop, or reports why the loop ends.
func (s *summary) next(o loadOptions, start time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.StoppedBy != "count" {
		return false
	}
	if o.stopFile != "" {
		if _, err := os.Stat(o.stopFile); err == nil {
			s.StoppedBy = "stop-file"
			return false
		}
	}
	if o.untilHosts > 0 && len(s.Hosts) >= o.untilHosts {
		s.StoppedBy = "hosts"
		return false
	}
	if time.Since(start) > o.maxDuration {
		s.StoppedBy = "max-duration"
		return false
	}
	if s.Sent >= o.count {
		return false
	}
	s.Sent++
	return true
}

func (s *summary) record(code int, _ []byte, header map[string][]string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.Failed++
		s.Errors[err.Error()]++
		return
	}
	s.Codes[strconv.Itoa(code)]++
	if code < 200 || code > 299 {
		s.Failed++
		s.Errors[fmt.Sprintf("HTTP %d", code)]++
		return
	}
	s.OK++
	s.Versions[first(header["X-Standin-Version"])]++
	s.Hosts[first(header["X-Standin-Host"])]++
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}
