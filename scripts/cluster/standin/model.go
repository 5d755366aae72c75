package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The built-in "model" answers a prompt with its words in reverse order, at most
// max_tokens of them (a word is a token). Deterministic, so tests can check answers.

const defaultMaxTokens = 16

type completionRequest struct {
	Model     string          `json:"model"`
	Prompt    json.RawMessage `json:"prompt"`
	MaxTokens *int            `json:"max_tokens"`
}

type choice struct {
	Index        int     `json:"index"`
	Text         string  `json:"text"`
	Logprobs     *string `json:"logprobs"`
	FinishReason string  `json:"finish_reason"`
}

// prompts accepts the two prompt forms of the completions API: a string or a list of strings.
func prompts(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err == nil && len(many) > 0 {
		return many, nil
	}
	return nil, fmt.Errorf("prompt must be a string or a non-empty list of strings")
}

// generate returns the completion text, its token count and the finish reason.
func generate(prompt string, maxTokens int) (string, int, string) {
	words := strings.Fields(prompt)
	slices.Reverse(words)
	reason := "stop"
	if len(words) > maxTokens {
		words, reason = words[:maxTokens], "length"
	}
	return strings.Join(words, " "), len(words), reason
}

func (s *server) completions(w http.ResponseWriter, r *http.Request) {
	var req completionRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "request body is not JSON: "+err.Error(), "")
		return
	}
	if req.Model != s.cfg.model {
		writeError(w, http.StatusNotFound, fmt.Sprintf("model %q does not exist; this server has %q", req.Model,
			s.cfg.model), "model")
		return
	}
	texts, err := prompts(req.Prompt)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), "prompt")
		return
	}
	maxTokens := defaultMaxTokens
	if req.MaxTokens != nil {
		maxTokens = max(*req.MaxTokens, 0)
	}
	if !s.acquire(r) {
		return // the client went away while waiting
	}
	defer s.release()
	var choices []choice
	promptTokens, completionTokens := 0, 0
	for i, p := range texts {
		text, n, reason := generate(p, maxTokens)
		if !sleepCtx(r, time.Duration(n)*s.cfg.tokenDelay) {
			return
		}
		choices = append(choices, choice{Index: i, Text: text, FinishReason: reason})
		promptTokens += len(strings.Fields(p))
		completionTokens += n
		s.success[map[string]int{"stop": 0, "length": 1}[reason]].Add(1)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": fmt.Sprintf("cmpl-%d", s.seq.Add(1)), "object": "text_completion", "created": time.Now().Unix(),
		"model": s.cfg.model, "choices": choices,
		"usage": map[string]int{"prompt_tokens": promptTokens, "completion_tokens": completionTokens,
			"total_tokens": promptTokens + completionTokens},
	})
}

// acquire waits for one of cfg.maxRunning slots; the waiting ones are the queue depth.
func (s *server) acquire(r *http.Request) bool {
	s.waiting.Add(1)
	defer s.waiting.Add(-1)
	select {
	case s.slots <- struct{}{}:
		s.running.Add(1)
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *server) release() {
	s.running.Add(-1)
	<-s.slots
}

func sleepCtx(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	select {
	case <-time.After(d):
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *server) models(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []map[string]any{{
		"id": s.cfg.model, "object": "model", "created": s.started.Unix(), "owned_by": "standin " + s.cfg.version,
	}}})
}

// metrics prints Prometheus text format. The queue gauges carry vLLM's names and
// model_name label (vllm-project/vllm, vllm/v1/metrics/loggers.py), so a KEDA
// trigger or ServiceMonitor written for vLLM reads this server the same way.
func (s *server) metrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m := fmt.Sprintf("model_name=%q", s.cfg.model)
	ready := 0
	if s.readiness() == "" {
		ready = 1
	}
	fmt.Fprintf(w, "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"+
		"# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{%s} %d\n", m, s.waiting.Load())
	fmt.Fprintf(w, "# HELP vllm:num_requests_running Number of requests being processed.\n"+
		"# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{%s} %d\n", m, s.running.Load())
	fmt.Fprintf(w, "# HELP vllm:request_success_total Count of successfully processed requests.\n"+
		"# TYPE vllm:request_success_total counter\n")
	for i, reason := range []string{"stop", "length"} {
		fmt.Fprintf(w, "vllm:request_success_total{%s,finished_reason=%q} %d\n", m, reason, s.success[i].Load())
	}
	fmt.Fprintf(w, "# HELP standin_ready 1 while /health answers 200.\n# TYPE standin_ready gauge\nstandin_ready %d\n",
		ready)
}
