// Command gatewayclient calls an endpoint picker the way a gateway's ext_proc filter does for each request to an
// InferencePool (Envoy's external processing protocol, envoy.service.ext_proc.v3): one stream per request, the
// request headers (not end of stream), then the body, and it reads the picker's answer: the endpoint in the header
// mutation and in the dynamic metadata (kubernetes-sigs/gateway-api-inference-extension
// docs/proposals/004-endpoint-picker-protocol: header and metadata `x-gateway-destination-endpoint`, metadata
// namespace `envoy.lb`, the same value in both).
//
//	gatewayclient -addr HOST:PORT -count N [-tls]
//
// It prints one JSON summary line: the endpoints and how often each was picked, the requests without an answer, and
// the answers whose header and metadata disagree.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

const (
	endpointKey = "x-gateway-destination-endpoint"
	metadataNS  = "envoy.lb"
)

// Summary is what the client prints.
type Summary struct {
	Requests   int            `json:"requests"`
	Endpoints  map[string]int `json:"endpoints"`
	Failed     int            `json:"failed"`
	Errors     []string       `json:"errors"`
	Mismatches []string       `json:"mismatches"`
}

func main() {
	addr := flag.String("addr", "", "picker address HOST:PORT (its Service)")
	count := flag.Int("count", 30, "requests to send")
	useTLS := flag.Bool("tls", true, "TLS without verifying the picker's self-signed certificate (as a gateway's DestinationRule does)")
	timeout := flag.Duration("timeout", 10*time.Second, "time allowed for each request")
	flag.Parse()
	creds := insecure.NewCredentials()
	if *useTLS {
		creds = credentials.NewTLS(&tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}) //nolint:gosec // the picker's certificate is self-signed
	}
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer conn.Close()
	client := extprocv3.NewExternalProcessorClient(conn)
	summary := Summary{Endpoints: map[string]int{}, Errors: []string{}, Mismatches: []string{}}
	for i := 0; i < *count; i++ {
		summary.Requests++
		header, metadata, err := pick(client, *timeout, i)
		switch {
		case err != nil:
			summary.Failed++
			if len(summary.Errors) < 10 {
				summary.Errors = append(summary.Errors, err.Error())
			}
		case header != metadata:
			summary.Mismatches = append(summary.Mismatches, fmt.Sprintf("header %q, metadata %q", header, metadata))
		default:
			summary.Endpoints[header]++
		}
	}
	out, _ := json.Marshal(summary)
	fmt.Println(string(out))
}

// pick sends one request's headers and body on a stream of its own and returns the endpoint in the header mutation
// and in the dynamic metadata of the picker's answer to the headers.
func pick(client extprocv3.ExternalProcessorClient, timeout time.Duration, i int) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	stream, err := client.Process(ctx)
	if err != nil {
		return "", "", err
	}
	body := []byte(fmt.Sprintf(`{"model": "standin-echo", "prompt": "request %d", "max_tokens": 4}`, i))
	for _, req := range []*extprocv3.ProcessingRequest{requestHeaders(len(body)), requestBody(body)} {
		if err := stream.Send(req); err != nil {
			return "", "", err
		}
	}
	// The request is complete: the picker answers the headers and the body, then ends the stream.
	if err := stream.CloseSend(); err != nil {
		return "", "", err
	}
	header, metadata := "", ""
	for {
		resp, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return header, metadata, err
		}
		if headers := resp.GetRequestHeaders(); headers != nil {
			for _, set := range headers.GetResponse().GetHeaderMutation().GetSetHeaders() {
				if set.GetHeader().GetKey() == endpointKey {
					header = string(set.GetHeader().GetRawValue()) + set.GetHeader().GetValue()
				}
			}
			metadata = resp.GetDynamicMetadata().GetFields()[metadataNS].GetStructValue().GetFields()[endpointKey].GetStringValue()
		}
	}
	if header == "" {
		return "", "", fmt.Errorf("request %d: no %s in the answer", i, endpointKey)
	}
	return header, metadata, nil
}

func requestHeaders(length int) *extprocv3.ProcessingRequest {
	headers := []*corev3.HeaderValue{
		{Key: ":method", RawValue: []byte("POST")},
		{Key: ":path", RawValue: []byte("/v1/completions")},
		{Key: ":authority", RawValue: []byte("llm.example.com")},
		{Key: "content-type", RawValue: []byte("application/json")},
		{Key: "content-length", RawValue: []byte(fmt.Sprint(length))},
	}
	return &extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestHeaders{
		RequestHeaders: &extprocv3.HttpHeaders{Headers: &corev3.HeaderMap{Headers: headers}},
	}}
}

func requestBody(body []byte) *extprocv3.ProcessingRequest {
	return &extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestBody{
		RequestBody: &extprocv3.HttpBody{Body: body, EndOfStream: true},
	}}
}
