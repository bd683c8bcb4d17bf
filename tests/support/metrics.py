"""Read one sample from the app's /metrics, parsed by prometheus_client itself."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def metric_value(client, sample: str, **labels: str) -> float:
    """The value of `sample` with exactly these labels (0.0 while it does not exist yet)."""
    text = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == sample and found.labels == labels:
                return found.value
    return 0.0
