"""The generator: specs → `generated/` (JSON Schemas, docs, typed bindings, compiled catalogue).

    build      specs folder → load (runtime's loader) → render → write; the no-op fingerprint
    render     catalogue → {path: bytes}, all in memory: every emitter's files, the marker
      emitters   one module per output, `emit(catalogue) -> {path: bytes}`, registered in a tuple:
                 schemas (JSON Schemas), docs (Markdown, via _docs_view), python (bindings via
                 _bindings, sync and async from one template; models via _datamodels), catalogue
      pytypes    the shared type decisions: annotations, data shapes, enum and model classes
      escape     spec text → safe Python literals and Markdown
      naming     identifiers, class names, stems
      schemas    what the input / output envelope JSON Schemas and index.json hold
    write      the only code that touches the disk: compare, build the whole new folder beside the
               output, switch by one atomic directory exchange (all or nothing, even under SIGKILL;
               the next run cleans what a kill left); recognise the generator's own files (banner,
               the marker's manifest), never remove or overwrite another
    cli        `spoki-actions generate [--specs DIR] [--out DIR] [--check] [--force]`

Only this package imports Jinja and datamodel-code-generator; the runtime never imports it.
"""
