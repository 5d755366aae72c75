package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"
)

// summary of a request loop, printed as one JSON line.
type summary struct {
	Sent      int            `json:"sent"`
	OK        int            `json:"ok"`
	Failed    int            `json:"failed"`
	Errors    map[string]int `json:"errors"`   // failure -> count
	Versions  map[string]int `json:"versions"` // X-Standin-Version of successful answers -> count
	Hosts     map[string]int `json:"hosts"`    // X-Standin-Host (pod name) of successful answers -> count
	Seconds   float64        `json:"seconds"`
	StoppedBy string         `json:"stopped_by"` // count, stop-file or max-duration
}

// load runs a bounded request loop: at most -count requests, one every -interval,
// ending early when -stop-file appears or after -max-duration. Exit 0 only if every
// request got a 2xx answer.
func load(args []string) int {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	url := fs.String("url", "", "URL to call")
	body := fs.String("body", "", "JSON body; when set the request is a POST")
	count := fs.Int("count", 100, "maximum number of requests")
	interval := fs.Duration("interval", 50*time.Millisecond, "pause between requests")
	timeout := fs.Duration("timeout", 5*time.Second, "timeout of one request")
	stopFile := fs.String("stop-file", "", "stop once this file exists")
	maxDuration := fs.Duration("max-duration", 5*time.Minute, "stop after this long")
	if err := fs.Parse(args); err != nil || *url == "" || *count < 1 {
		fmt.Fprintln(os.Stderr, "usage: standin load -url URL [-body JSON] [-count N] [-interval D] [-timeout D] "+
			"[-stop-file PATH] [-max-duration D]")
		return 2
	}
	method, payload := "GET", []byte(nil)
	if *body != "" {
		method, payload = "POST", []byte(*body)
	}
	s := summary{Errors: map[string]int{}, Versions: map[string]int{}, Hosts: map[string]int{}, StoppedBy: "count"}
	start := time.Now()
	for s.Sent < *count {
		if *stopFile != "" {
			if _, err := os.Stat(*stopFile); err == nil {
				s.StoppedBy = "stop-file"
				break
			}
		}
		if time.Since(start) > *maxDuration {
			s.StoppedBy = "max-duration"
			break
		}
		s.record(request(method, *url, payload, *timeout))
		time.Sleep(*interval)
	}
	s.Seconds = time.Since(start).Seconds()
	out, _ := json.Marshal(s)
	fmt.Println(string(out))
	if s.Failed > 0 {
		return 1
	}
	return 0
}

func (s *summary) record(code int, _ []byte, header map[string][]string, err error) {
	s.Sent++
	switch {
	case err != nil:
		s.Failed++
		s.Errors[err.Error()]++
	case code < 200 || code > 299:
		s.Failed++
		s.Errors[fmt.Sprintf("HTTP %d", code)]++
	default:
		s.OK++
		s.Versions[first(header["X-Standin-Version"])]++
		s.Hosts[first(header["X-Standin-Host"])]++
	}
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}
