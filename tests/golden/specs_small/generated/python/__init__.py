# generated from specs/ by `spoki-actions generate`; do not edit
"""Generated from the specs: the compiled catalogue and the typed bindings of every action.

`catalogue.json` is the compiled catalogue the runtime loads at import time (no YAML parsed);
`actions` holds one typed function per action, `aio` their async twins, `models` the pydantic
models of every input and output. Import those modules explicitly: importing this package loads
nothing, so the runtime can use it without pydantic's import cost.
"""
