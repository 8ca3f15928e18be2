"""The KPI dashboard's reads, one module per group of the plan's success metrics. Every
selector takes a `Period` and an optional `event_filter` (a Q on FunnelEvent), so the
per-experiment-arm split is the same call with one more argument."""
