"""Tool projections: one lean canonical tool per action, reshaped per LLM dialect.

Stage: pure functions over the frozen catalogue (no generator, no I/O). Input: an `ActionSpec`.
Output: JSON-compatible tool definitions for OpenAI (plain, strict), Anthropic (plain, strict),
Gemini function declarations and MCP `Tool`s. What a dialect cannot say is reshaped (an open
map becomes a list of {key, value} pairs, an unsupported `format` becomes its pattern plus words,
an integer enum becomes a string enum of labels for Gemini); `_dispatch` undoes each reshaping.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Literal

from spoki_actions.spec import ActionSpec, Param

Dialect = Literal["openai", "openai-strict", "anthropic", "anthropic-strict", "gemini", "mcp"]
DIALECTS: tuple[Dialect, ...] = ("openai", "openai-strict", "anthropic", "anthropic-strict", "gemini", "mcp")

OPENAI_FORMATS = frozenset({"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"})
ANTHROPIC_FORMATS = OPENAI_FORMATS | {"uri"}
GEMINI_FORMATS = frozenset({"date-time", "enum"})
FORMAT_WORDS = {"e164": "E.164 phone number", "uri": "URI", "uuid": "UUID", "email": "email address",
                "date": "date YYYY-MM-DD", "date-time": "RFC 3339 date-time"}
# Anthropic's documented per-request limits for strict tools.
ANTHROPIC_STRICT_TOOLS = 20
ANTHROPIC_STRICT_OPTIONAL = 24
ANTHROPIC_STRICT_UNIONS = 16


def is_map(p: Param) -> bool:
    """An open map (object whose keys the caller chooses): dialects without open maps get pairs."""
    return p.type == "object" and p.values is not None


# A model loops on tools: a limit this tight is worth its tokens; looser ones the runtime paces silently.
NOTE_RATE_BELOW = 30  # requests per minute


def behaviour_note(action: ActionSpec, *, safety: bool = True) -> str:
    """Deprecation, an unsafe write and a tight rate limit, said once and briefly (skipped where the
    spec's text says it already). Reads and idempotent writes say nothing: the name and, in MCP, the
    annotations tell."""
    b = action.behaviour
    text = action.description.lower()
    parts: list[str] = []
    if b.deprecated is not None:
        instead = f" Use {b.deprecated.replacement} instead." if b.deprecated.replacement else ""
        parts.append(f"Deprecated: {b.deprecated.message.strip().rstrip('.')}.{instead}")
    if safety and b.safety == "unsafe" and "idempotent" not in text:
        parts.append("Not safe to repeat.")
    r = b.rate_limit
    if r is not None and r.requests * 60 / r.window < NOTE_RATE_BELOW and "per minute" not in text:
        per = "min" if r.window == 60 else f"{r.window:g} s"
        parts.append(f"Rate limit: {r.requests} calls/{per}.")
    return " ".join(parts)


def _description(action: ActionSpec, *, safety: bool = True) -> str:
    note = behaviour_note(action, safety=safety)
    return f"{action.description.strip()} {note}".strip()


def _base_type(p: Param) -> dict[str, Any]:
    node: dict[str, Any] = {"type": p.type}
    if p.enum is not None:
        node["enum"] = list(p.enum.values)
    if p.type == "array":
        node["items"] = copy.deepcopy(p.items) if p.items else {}
    if p.type == "object" and p.values is not None:
        node["additionalProperties"] = copy.deepcopy(p.values)
    return node


def _words(p: Param, *, keep_bounds: bool, formats: frozenset[str] | None) -> tuple[dict[str, Any], str]:
    """Constraints the dialect can say as keywords, and the rest as words for the description."""
    node: dict[str, Any] = {}
    words: list[str] = []
    if p.format is not None:
        if formats is None or p.format in formats:
            node["format"] = p.format
        else:
            words.append(FORMAT_WORDS.get(p.format, p.format))
    if p.pattern is not None:
        if keep_bounds:
            node["pattern"] = p.pattern
        else:  # anthropic's strict transform (SDK 2.10) moves `pattern` into the description: we say it once
            words.append(f"pattern {p.pattern}")
    bounds = (("minimum", p.minimum, "≥"), ("maximum", p.maximum, "≤"),
              ("minLength", p.min_length, "length ≥"), ("maxLength", p.max_length, "length ≤"))
    for key, value, word in bounds:
        if value is None:
            continue
        if keep_bounds:
            node[key] = int(value) if float(value).is_integer() else value
        else:
            words.append(f"{word} {value:g}")
    return node, ", ".join(words)


_FILLER = frozenset({"a", "an", "the", "of"})


def _words_of(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower())) - _FILLER


def says_only_the_name(p: Param) -> bool:
    """A description that says nothing the param's name and format do not ("Id of the account." for
    `account_id`, "Email address." for `email` with `format: email`): a tool leaves it out."""
    words = _words_of(p.description)
    return bool(words) and words <= _words_of(p.name.replace("_", " ") + " " + FORMAT_WORDS.get(p.format or "", ""))


def _with_words(description: str, words: str) -> str:
    parts = [w for w in words.split(", ") if w and w.split()[0].lower() not in description.lower()]
    if not parts:
        return description
    words = ", ".join(parts)
    if not description:
        return f"{words[0].upper()}{words[1:]}."
    return f"{description.rstrip('.')} ({words})."


PAIRS_ITEM: dict[str, Any] = {"type": "object", "properties": {"key": {"type": "string"}, "value": {"type": "string"}},
              "required": ["key", "value"], "additionalProperties": False}


def _pairs(p: Param) -> dict[str, Any]:
    item = copy.deepcopy(PAIRS_ITEM)
    if p.values:
        item["properties"]["value"] = {k: v for k, v in p.values.items() if k in ("type", "enum", "pattern")}
    return {"type": "array", "items": item}


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    node = dict(node)
    node["type"] = [node["type"], "null"]
    if "enum" in node:
        node["enum"] = [*node["enum"], None]
    return node


def _strict_closed(node: Any) -> Any:
    """additionalProperties false and every property required, at every depth (OpenAI strict)."""
    if isinstance(node, dict):
        node = {k: _strict_closed(v) for k, v in node.items()}
        if node.get("type") == "object" or (isinstance(node.get("type"), list) and "object" in node["type"]):
            node.setdefault("properties", {})
            node["additionalProperties"] = False
            node["required"] = list(node["properties"])
        return node
    if isinstance(node, list):
        return [_strict_closed(v) for v in node]
    return node


def _example_helps(p: Param) -> bool:
    return p.has_example and (p.pattern is not None or p.format is not None or is_map(p))


# Dialects with local `$ref`s: a constraint several params share is said once, in `$defs`.
# (Gemini's classic schema has none; strict Anthropic says patterns in words, per param.)
SHARING_DIALECTS = frozenset({"openai", "openai-strict", "anthropic", "mcp"})


def _shared(action: ActionSpec, keywords: dict[str, dict[str, Any]]) -> dict[str, str]:
    """{param name: $defs name} for the params whose pattern constraint (type, pattern, format, bounds)
    another param of the action repeats; a def is named for what its params' names share."""
    groups: dict[str, list[str]] = {}
    for p in action.params:
        if "pattern" in keywords[p.name] and p.enum is None and not is_map(p):
            key = json.dumps({"type": p.type, **keywords[p.name]}, sort_keys=True)
            groups.setdefault(key, []).append(p.name)
    out: dict[str, str] = {}
    for i, names in enumerate(g for g in groups.values() if len(g) > 1):
        prefix = names[0]
        for name in names[1:]:
            while not name.startswith(prefix):
                prefix = prefix[:-1]
        defname = prefix.strip("_") or f"pattern{i + 1}"
        out.update(dict.fromkeys(names, defname))
    return out


def input_schema(action: ActionSpec, dialect: Dialect) -> dict[str, Any]:
    """The tool's input schema as `dialect` accepts it."""
    props: dict[str, Any] = {}
    required: list[str] = []
    defs: dict[str, Any] = {}
    strict_openai = dialect == "openai-strict"
    strict_anthropic = dialect == "anthropic-strict"
    gemini = dialect == "gemini"
    formats = {"mcp": None, "openai": OPENAI_FORMATS, "openai-strict": OPENAI_FORMATS, "anthropic": ANTHROPIC_FORMATS,
               "anthropic-strict": ANTHROPIC_FORMATS, "gemini": GEMINI_FORMATS}[dialect]
    said = {p.name: _words(p, keep_bounds=not strict_anthropic, formats=formats) for p in action.params}
    shared = _shared(action, {n: kw for n, (kw, _) in said.items()}) if dialect in SHARING_DIALECTS else {}
    for p in action.params:
        pairs = is_map(p) and (strict_openai or strict_anthropic or gemini)
        node = _pairs(p) if pairs else _base_type(p)
        if pairs and gemini:
            del node["items"]["additionalProperties"]
        keywords, words = said[p.name]
        if not pairs:
            node.update(keywords)
        if p.name in shared:
            defs[shared[p.name]] = node
            node = {"$ref": f"#/$defs/{shared[p.name]}"}
        description = "" if says_only_the_name(p) else p.description
        if gemini and p.enum is not None and p.type == "integer":
            labels = p.enum.labels or tuple(str(v) for v in p.enum.values)
            node = {"type": "string", "enum": list(labels), "format": "enum"}
        elif gemini and p.enum is not None:
            node["format"] = "enum"
        description = _with_words(description, words)  # a map as pairs: the schema says it
        # Optional: OpenAI strict lists it as required-but-nullable; nullable params stay nullable elsewhere.
        optional_nullable = strict_openai and not p.required
        nullable = p.nullable or optional_nullable
        if p.name in shared:  # beside a $ref, in an anyOf: strict normalisers leave a lone $ref alone
            node = {"anyOf": [node, {"type": "null"}] if nullable and not strict_anthropic else [node]}
        elif nullable:
            if gemini:
                node["nullable"] = True
            elif dialect == "anthropic" or (strict_anthropic and p.required):
                # anyOf, not a type array: anthropic's schema transform refuses type arrays (SDK 2.10)
                node = {"anyOf": [node, {"type": "null"}]}
            elif not strict_anthropic:  # strict Anthropic: optional, never a union
                node = _nullable(node)
        if dialect == "mcp" and _example_helps(p):
            node["examples"] = [copy.deepcopy(p.example)]
        props[p.name] = {"description": description, **node} if description else node
        if p.required or strict_openai:
            required.append(p.name)
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    if defs:
        schema["$defs"] = defs
    if strict_openai:
        schema = _strict_closed(schema)
    elif not gemini:
        schema["additionalProperties"] = False
    if strict_anthropic:
        schema = _closed(schema)
    return schema


def _closed(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _closed(v) for k, v in node.items()}
        if node.get("type") == "object" and "additionalProperties" not in node:
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_closed(v) for v in node]
    return node


def _lean_output(action: ActionSpec) -> dict[str, Any]:
    """The output schema, lean and object-rooted (an array answer is wrapped as {"items": [...]})."""
    def strip(node: Any, top: bool = False) -> Any:
        if isinstance(node, dict):
            drop = {"$schema", "$id", "$comment", "title", "examples"}
            out = {}
            for k, v in node.items():
                if k in drop and not (k == "title" and not top and isinstance(v, dict)):
                    continue
                if k in ("properties", "$defs"):
                    out[k] = {name: strip(sub) for name, sub in v.items()}
                else:
                    out[k] = strip(v)
            return out
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    schema: dict[str, Any] = strip(action.response.output, top=True)
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and set(schema) <= {"$ref", "$defs", "description"}:
        defs = dict(schema.get("$defs", {}))
        name = ref[len("#/$defs/"):]
        root = defs[name]
        if ref not in json.dumps([root, {k: v for k, v in defs.items() if k != name}]):
            del defs[name]  # used once: inlined
        schema = {**root, **({"$defs": defs} if defs else {})}
    if action.response.data_is_array:
        defs = schema.pop("$defs", None)
        schema = {"type": "object", "properties": {"items": schema}, "required": ["items"]}
        if defs:
            schema["$defs"] = defs
    return schema


def mcp_annotations(action: ActionSpec) -> dict[str, Any]:
    """MCP hints from the declared safety: read → read-only and idempotent; deletes and unsafe writes
    are destructive; every action reaches Spoki, an open world."""
    safety = action.behaviour.safety
    return {
        "title": action.title,
        "readOnlyHint": safety == "read",
        "destructiveHint": safety != "read" and (action.method == "DELETE" or safety == "unsafe"),
        "idempotentHint": safety in ("read", "idempotent"),
        "openWorldHint": True,
    }


def tool(action: ActionSpec, dialect: Dialect, *, output_schema: bool = True) -> dict[str, Any]:
    """One action as a tool definition of `dialect`."""
    params = input_schema(action, dialect)
    if dialect in ("openai", "openai-strict"):
        function: dict[str, Any] = {"name": action.name, "description": _description(action), "parameters": params}
        if dialect == "openai-strict":
            function["strict"] = True
        return {"type": "function", "function": function}
    if dialect in ("anthropic", "anthropic-strict"):
        out: dict[str, Any] = {"name": action.name, "description": _description(action), "input_schema": params}
        if dialect == "anthropic-strict":
            out["strict"] = True
        return out
    if dialect == "gemini":
        return {"name": action.name, "description": _description(action), "parameters": params}
    mcp: dict[str, Any] = {"name": action.name, "title": action.title,
                           "description": _description(action, safety=False), "inputSchema": params}
    if output_schema:
        mcp["outputSchema"] = _lean_output(action)
    mcp["annotations"] = mcp_annotations(action)
    return mcp


def strict_counts(action: ActionSpec) -> tuple[int, int]:
    """(optional params, union-typed params) of the strict Anthropic projection."""
    schema = input_schema(action, "anthropic-strict")
    required = set(schema.get("required", ()))
    optional = sum(1 for name in schema["properties"] if name not in required)
    unions = sum(1 for v in schema["properties"].values() if isinstance(v.get("type"), list) or "anyOf" in v)
    return optional, unions


def dynamic_tools() -> list[dict[str, Any]]:
    """Three meta-tools (MCP shape) for hosts that cannot afford every schema: search the catalogue,
    describe one action, invoke one action. Strict-compatible: every property required, no open map
    (invoke's arguments travel as a JSON string the runtime validates)."""
    def closed(props: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}

    string = {"type": "string"}
    return [
        {"name": "search_actions", "title": "Search Spoki actions",
         "description": "Find Spoki actions by words in their name or description; returns names, one-line "
                        "summaries and whether each only reads.",
         "inputSchema": closed({"query": {**string, "description": "Words to look for; empty lists every action."}}),
         "annotations": {"readOnlyHint": True, "idempotentHint": True, "destructiveHint": False,
                         "openWorldHint": False}},
        {"name": "describe_action", "title": "Describe a Spoki action",
         "description": "The input schema and behaviour of one action, before invoking it.",
         "inputSchema": closed({"name": {**string, "description": "Action name, from search_actions."}}),
         "annotations": {"readOnlyHint": True, "idempotentHint": True, "destructiveHint": False,
                         "openWorldHint": False}},
        {"name": "invoke_action", "title": "Invoke a Spoki action",
         "description": "Run one action. Writes change Spoki data; describe_action says which are unsafe to repeat.",
         "inputSchema": closed({"name": {**string, "description": "Action name."},
                                "arguments": {**string, "description": "The action's input as a JSON object text, "
                                                                       "e.g. {\"contact_id\": 12}."}}),
         "annotations": {"readOnlyHint": False, "idempotentHint": False, "destructiveHint": True,
                         "openWorldHint": True}},
    ]


def search(actions: list[ActionSpec], query: str) -> list[dict[str, Any]]:
    words = [w for w in query.lower().split() if w]
    hits = []
    for a in actions:
        text = f"{a.name} {a.title} {a.group} {a.description}".lower()
        if all(w in text for w in words):
            hits.append({"name": a.name, "summary": a.description.split(". ")[0].rstrip(".") + ".",
                         "read_only": a.behaviour.safety == "read"})
    return hits


def describe(action: ActionSpec) -> dict[str, Any]:
    b = action.behaviour
    return {"name": action.name, "description": _description(action), "safety": b.safety,
            "inputSchema": input_schema(action, "mcp"), "annotations": mcp_annotations(action)}
