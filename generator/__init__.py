"""The generator: specs → `generated/` (JSON Schemas, docs, typed bindings, compiled catalogue).

    build      specs folder → load (runtime's loader) → render → write; the no-op fingerprint
    render     catalogue → {path: bytes}, all in memory
      view       every naming/typing/wording decision, handed to the templates
      escape     spec text → safe Python literals and Markdown
      naming     identifiers, class names, stems
      schemas    input / output envelope JSON Schemas and index.json
      datamodels pydantic models via one datamodel-code-generator call
    write      compare, stage beside the output folder, swap changed files in (all or nothing);
               recognise the generator's own files (banner, the marker's manifest), touch no other
    cli        `spoki-actions generate [--specs DIR] [--out DIR] [--check] [--force]`

Only this package imports Jinja and datamodel-code-generator; the runtime never imports it.
"""
