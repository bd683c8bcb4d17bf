"""HTTP routes grouped by blueprint."""
