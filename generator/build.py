"""Build: specs folder → output folder, the whole generation in one call.

Input: a specs folder and an output folder. Output: a `Result` saying what changed; `generated/`
updated (or, with `check`, only compared). Steps: refuse an output folder that overlaps the specs,
is a file, or is a non-empty folder no earlier run wrote (unless `force`); load and validate the
specs (`SpecError` on any problem), read the `since` ledger the last run left in
`schemas/index.json`, render every file in memory (`render`), compare, swap the
changed files in (`write`). Nothing touches the output folder before rendering has fully succeeded
(for a new folder, the files rendered before the models are written into the staging folder
beside it while dmcg runs, `write.Stage`; a failure removes it, a kill leaves it to `recover`).

A no-op run is answered from a fingerprint: a hash of every spec file, of the generator's and
the spec model's sources, of the tools' installs and of the catalogue version, kept with the hash
of each file written in `generated/.generate-cache.json` (ignored by git). When both still match,
nothing is rendered.
`check` never trusts it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import write
from .errors import GeneratorError

CACHE_FILE = write.CACHE_FILE
_GENERATOR_DIR = Path(__file__).parent
_TOOLS = ("datamodel_code_generator", "jinja2", "pydantic")


@dataclass(frozen=True, slots=True)
class Result:
    diff: write.Diff
    from_cache: bool = False  # the fingerprint matched: nothing was rendered


def _runtime_dir() -> Path:
    spec = importlib.util.find_spec("spoki_actions.spec")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent


def _tools_dir() -> Path:
    spec = importlib.util.find_spec("spoki_actions.tools")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent


def _files(root: Path, patterns: tuple[str, ...], recursive: bool) -> list[Path]:
    found: set[Path] = set()
    for pattern in patterns:
        found.update(root.rglob(pattern) if recursive else root.glob(pattern))
    return sorted(p for p in found if p.is_file() and "__pycache__" not in p.parts)


def fingerprint(specs_dir: Path) -> str:
    """A hash of everything the output depends on (inputs, our code, the tools' installs)."""
    h = hashlib.sha256(b"spoki-actions generate 1\0")
    sources = [
        ("specs", specs_dir, _files(specs_dir, ("*",), recursive=True)),
        ("generator", _GENERATOR_DIR, _files(_GENERATOR_DIR, ("*.py", "templates/*.jinja", "emitters/*.py"),
                                             recursive=False)),
        ("tools", _tools_dir(), _files(_tools_dir(), ("*.py",), recursive=False)),  # the tools emitter's projections
        ("runtime", _runtime_dir(), _files(_runtime_dir(), ("*.py", "meta/*.json"), recursive=False)),
    ]
    for label, root, paths in sources:
        for path in paths:
            content = path.read_bytes()
            h.update(f"{label}/{path.relative_to(root).as_posix()}\0{len(content)}\0".encode())
            h.update(content)
    h.update(sys.version.encode())
    from .schemas import catalogue_version  # stamped into index.json, every $id and the OpenAPI info

    h.update(f"\0catalogue {catalogue_version()}".encode())
    for tool in _TOOLS:
        spec = importlib.util.find_spec(tool)
        if spec is not None and spec.origin is not None:
            st = os.stat(spec.origin)
            h.update(f"\0{tool}\0{spec.origin}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _cached(out: Path, key: str) -> bool:
    """The last run had this fingerprint and every file it wrote is still exactly there."""
    try:
        record = json.loads((out / CACHE_FILE).read_bytes())
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("fingerprint") != key or not isinstance(record.get("files"), dict):
        return False
    present = write.existing(out, write.LOCAL_FILES)
    if set(present) != set(record["files"]):
        return False
    return all(_digest(path.read_bytes()) == record["files"][rel] for rel, path in present.items())


def _remember(out: Path, key: str, files: dict[str, bytes]) -> None:
    record = {"fingerprint": key, "files": {rel: _digest(content) for rel, content in files.items()}}
    content = (json.dumps(record, indent=1, sort_keys=True) + "\n").encode()
    path = out / CACHE_FILE
    try:
        if path.read_bytes() == content:
            return
    except OSError:
        pass
    tmp = out / f"{CACHE_FILE}.tmp"
    try:
        tmp.write_bytes(content)
        os.replace(tmp, path)
    except OSError:  # only a speed-up: the output is complete without it
        tmp.unlink(missing_ok=True)


def check_output_folder(specs: Path, out: Path, *, writing: bool, force: bool = False) -> None:
    """Refuse an output folder where writing could destroy files that are not ours (`GeneratorError`)."""
    specs_real, out_real = specs.resolve(), out.resolve()
    if out_real == specs_real:
        raise GeneratorError([f"the output folder {out} is the specs folder: choose another --out"])
    if out_real.is_relative_to(specs_real):
        raise GeneratorError([f"the output folder {out} is inside the specs folder {specs}: "
                              "choose an --out outside it"])
    if specs_real.is_relative_to(out_real):
        raise GeneratorError([f"the output folder {out} contains the specs folder {specs}: "
                              "choose an --out that does not hold the specs"])
    for folder in (out, *out.parents):
        if folder.exists():
            if folder.is_dir():
                break
            if folder == out:
                raise GeneratorError([f"the output folder {out} is a file, not a folder"])
            raise GeneratorError([f"the output folder {out} cannot be created: {folder} is a file, not a folder"])
    if writing and not force and out.is_dir() and not write.is_empty(out) and not write.is_output_folder(out):
        raise GeneratorError([
            f"{out} is not empty and holds no earlier output of `spoki-actions generate` (no {write.MARKER} "
            "file): choose a new or empty folder, or pass --force to write into it anyway (files the "
            "generator did not write are never removed or overwritten)"])


def generate(specs_dir: str | Path, out_dir: str | Path, *, check: bool = False, force: bool = False) -> Result:
    """Regenerate `out_dir` from `specs_dir` (or, with `check`, only compare). Raises `SpecError`
    or `GeneratorError` before anything is written; `force` allows a non-empty folder that no
    earlier run wrote (files the generator did not write are never removed or overwritten)."""
    specs, out = Path(specs_dir), Path(out_dir)
    check_output_folder(specs, out, writing=not check, force=force)
    if not check:
        write.recover(out)  # what a killed run left: staging folders, or the old folder between two renames
    keep = write.LOCAL_FILES
    key = None
    if not check and (out / CACHE_FILE).exists():  # a no-op is possible: ask before starting dmcg
        key = fingerprint(specs)
        if _cached(out, key):
            return Result(write.Diff(unchanged=len(write.existing(out, keep))), from_cache=True)
    from . import _dmcg

    stage = None if check else write.Stage(out)  # a new folder's files are written while dmcg runs
    try:
        with _dmcg.background():  # dmcg imports in a second process while this one loads and renders
            if not check and key is None:  # no record, so this run renders: the worker was started first
                key = fingerprint(specs)
            from spoki_actions.loader import load_catalogue

            from .render import render
            from .schemas import ledger

            files = render(load_catalogue(specs), ledger(out),  # `since` carried over from the last index.json
                           None if stage is None else stage.ahead)
        plan = write.diff(out, files, keep)
        if check:
            return Result(plan)
        write.apply(out, files, plan, stage)
    finally:
        if stage is not None:
            stage.discard()  # what a failed render left in the staging folder (after `apply`: nothing)
    assert key is not None
    _remember(out, key, files)
    return Result(plan)
