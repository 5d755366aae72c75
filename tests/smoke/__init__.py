"""Cluster smoke tier: installs the chart into a real API server (kwok-simulated AKS pools plus one real node locally,
kind with real kubelets)."""
