package main

import (
	"fmt"
	"log"
	"regexp"
	"slices"
)

// serviceMonitor holds the fields of a ServiceMonitor (monitoring.coreos.com/v1; azmonitoring.coreos.com/v1 has the
// same shape) that a scrape job is made of.
type serviceMonitor struct {
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec struct {
		Selector struct {
			MatchLabels      map[string]string `json:"matchLabels"`
			MatchExpressions []any             `json:"matchExpressions"`
		} `json:"selector"`
		NamespaceSelector struct {
			Any        bool     `json:"any"`
			MatchNames []string `json:"matchNames"`
		} `json:"namespaceSelector"`
		Endpoints []endpoint `json:"endpoints"`
	} `json:"spec"`
}

type endpoint struct {
	Port     string `json:"port"`
	Path     string `json:"path"`
	Scheme   string `json:"scheme"`
	Interval string `json:"interval"`
}

type relabel map[string]any

var unsafeLabel = regexp.MustCompile(`[^a-zA-Z0-9_]`)

// scrapeConfigs makes one job per endpoint of every ServiceMonitor, as the Prometheus Operator does
// (prometheus-operator/prometheus-operator pkg/prometheus/promcfg.go, generateServiceMonitorConfig, with the
// EndpointSlice discovery role): keep the Services the selector matches and the endpoints on the named port, and label
// each series with namespace, service, pod, container, endpoint (the port's name) and job (the Service's name). A
// ServiceMonitor with what this does not translate (matchExpressions) is left out, with a log line.
func scrapeConfigs(monitors []serviceMonitor) []map[string]any {
	jobs := []map[string]any{}
	for _, sm := range monitors {
		if len(sm.Spec.Selector.MatchExpressions) > 0 {
			log.Printf("%s/%s: selector.matchExpressions is not supported; not scraped", sm.Metadata.Namespace,
				sm.Metadata.Name)
			continue
		}
		for i, ep := range sm.Spec.Endpoints {
			jobs = append(jobs, job(sm, i, ep))
		}
	}
	return jobs
}

func job(sm serviceMonitor, index int, ep endpoint) map[string]any {
	sd := map[string]any{"role": "endpointslice"}
	switch {
	case sm.Spec.NamespaceSelector.Any:
	case len(sm.Spec.NamespaceSelector.MatchNames) > 0:
		sd["namespaces"] = map[string]any{"names": sm.Spec.NamespaceSelector.MatchNames}
	default:
		sd["namespaces"] = map[string]any{"names": []string{sm.Metadata.Namespace}}
	}
	j := map[string]any{
		"job_name":              fmt.Sprintf("serviceMonitor/%s/%s/%d", sm.Metadata.Namespace, sm.Metadata.Name, index),
		"kubernetes_sd_configs": []any{sd},
		"relabel_configs":       relabels(sm.Spec.Selector.MatchLabels, ep.Port),
	}
	for key, value := range map[string]string{"metrics_path": ep.Path, "scheme": ep.Scheme,
		"scrape_interval": ep.Interval} {
		if value != "" {
			j[key] = value
		}
	}
	return j
}

func relabels(matchLabels map[string]string, port string) []relabel {
	var out []relabel
	keys := make([]string, 0, len(matchLabels))
	for key := range matchLabels {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		name := unsafeLabel.ReplaceAllString(key, "_")
		out = append(out, relabel{"action": "keep", "regex": "(" + regexp.QuoteMeta(matchLabels[key]) + ");true",
			"source_labels": []string{"__meta_kubernetes_service_label_" + name,
				"__meta_kubernetes_service_labelpresent_" + name}})
	}
	if port != "" {
		out = append(out, relabel{"action": "keep", "regex": regexp.QuoteMeta(port),
			"source_labels": []string{"__meta_kubernetes_endpointslice_port_name"}})
	}
	target := []string{"__meta_kubernetes_endpointslice_address_target_kind",
		"__meta_kubernetes_endpointslice_address_target_name"}
	out = append(out,
		relabel{"source_labels": target, "regex": "Node;(.*)", "replacement": "${1}", "target_label": "node"},
		relabel{"source_labels": target, "regex": "Pod;(.*)", "replacement": "${1}", "target_label": "pod"},
		copyLabel("__meta_kubernetes_namespace", "namespace"),
		copyLabel("__meta_kubernetes_service_name", "service"),
		copyLabel("__meta_kubernetes_pod_name", "pod"),
		copyLabel("__meta_kubernetes_pod_container_name", "container"),
		relabel{"action": "drop", "regex": "(Failed|Succeeded)",
			"source_labels": []string{"__meta_kubernetes_pod_phase"}},
		copyLabel("__meta_kubernetes_service_name", "job"),
	)
	if port != "" {
		out = append(out, relabel{"target_label": "endpoint", "replacement": port})
	}
	return out
}

func copyLabel(source, target string) relabel {
	return relabel{"source_labels": []string{source}, "target_label": target}
}
