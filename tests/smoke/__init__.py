"""Cluster smoke tier: installs the chart into a real API server (kwok by default, kind with real kubelets)."""
