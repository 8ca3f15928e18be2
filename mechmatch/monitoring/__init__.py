"""Monitoring: `/metrics` in the Prometheus text format (see metrics.py for what is counted)."""
