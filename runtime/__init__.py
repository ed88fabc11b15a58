"""spoki-actions."""
