"""Published documents, read by spoki_actions.schemas. generated from specs/ by `spoki-actions generate`; do not edit"""
