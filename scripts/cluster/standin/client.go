package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

// request sends one request on a fresh connection (no keep-alive, so every request of a
// loop goes through the Service's load balancing again) and returns status and body. A
// non-empty host replaces the URL's host in the Host header (a gateway routes by it).
func request(method, url string, body []byte, host string, timeout time.Duration) (int, []byte, http.Header, error) {
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Host = host
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, resp.Header, err
}

// fetch implements `standin get URL` and `standin post URL [BODY]`.
func fetch(method string, args []string) int {
	fs := flag.NewFlagSet(method, flag.ContinueOnError)
	timeout := fs.Duration("timeout", 10*time.Second, "request timeout")
	host := fs.String("host", "", "Host header (default: the URL's host)")
	if err := fs.Parse(args); err != nil || fs.NArg() < 1 {
		fmt.Fprintf(os.Stderr, "usage: standin %s [-timeout 10s] [-host HOST] URL [BODY]\n", method)
		return 2
	}
	var body []byte
	if method == "post" {
		body = []byte(fs.Arg(1))
	}
	code, data, _, err := request(map[string]string{"get": "GET", "post": "POST"}[method], fs.Arg(0), body, *host,
		*timeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		return 1
	}
	os.Stdout.Write(data)
	if code < 200 || code > 299 {
		fmt.Fprintf(os.Stderr, "standin: %s answered %d\n", fs.Arg(0), code)
		return 1
	}
	return 0
}

// wget accepts the busybox wget options a `helm test` pod typically uses
// (-q, -O FILE, -T SECONDS, --spider), so this image can stand in for busybox there.
func wget(args []string) int {
	out, timeout, spider, url := "", 10*time.Second, false, ""
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-q":
		case a == "--spider" || a == "-s":
			spider = true
		case (a == "-O" || a == "-T") && i+1 < len(args):
			i++
			if a == "-O" {
				out = args[i]
				continue
			}
			secs, err := strconv.Atoi(args[i])
			if err != nil {
				fmt.Fprintf(os.Stderr, "wget: bad timeout %q\n", args[i])
				return 1
			}
			timeout = time.Duration(secs) * time.Second
		case len(a) > 0 && a[0] != '-' && url == "":
			url = a
		default:
			fmt.Fprintf(os.Stderr, "wget: unsupported option %q (supported: -q -O FILE -T SEC --spider URL)\n", a)
			return 1
		}
	}
	if url == "" {
		fmt.Fprintln(os.Stderr, "wget: missing URL")
		return 1
	}
	code, data, _, err := request("GET", url, nil, "", timeout)
	if err != nil || code < 200 || code > 299 {
		fmt.Fprintf(os.Stderr, "wget: %s: status %d %v\n", url, code, err)
		return 1
	}
	switch {
	case spider:
	case out == "" || out == "-":
		os.Stdout.Write(data)
	default:
		if err := os.WriteFile(out, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "wget:", err)
			return 1
		}
	}
	return 0
}
