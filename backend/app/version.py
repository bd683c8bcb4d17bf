"""The product version, reported by GET /api/v1/meta and the OpenAPI document."""

VERSION = "0.1.0"
