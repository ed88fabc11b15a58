"""The one datamodel-code-generator call: in-process, or in a second process started early.

Input: the exact text dmcg is given (the combined JSON Schema) and the file header; the options are
`OPTIONS`. Output: `{"text": dmcg's module}` or `{"problems": [...]}` (a `GeneratorError`'s, as
`emitters._datamodels` raises them). `run` calls dmcg here. `background()` around a render starts
a worker process first, so dmcg's import and warm-up (~0.3-0.5 s) and its run (~0.15 s for the 22
specs, ~3.5 s for 1,000) happen on the machine's other core while this process imports, loads the
specs and runs the other emitters; `take()` hands that worker to the one call, which `submit`s
the input (`submit_ahead` lets the models emitter do so before the other emitters run) and reads
the `result`. The worker runs `run` with the same arguments, so its text is
the same bytes; when it cannot start, crashes or answers garbage, the caller runs dmcg
in-process instead. Off with `SPOKI_ACTIONS_DMCG_WORKER=0`.

The worker is a fork of this process on Linux when it has one thread (`Forked`: no interpreter
start, and the modules both need are loaded already), else a new interpreter.
Child side (`python -P this_file`, or the fork running this file as that would): it reads the
request (JSON on stdin, by a thread from the start, so a large request never blocks the parent)
while it imports dmcg, then writes one JSON answer on stdout (`{"crash": traceback}` for anything
but dmcg's own errors). It imports nothing of spoki-actions (a fork holds what the parent had
loaded). An empty request (the parent exited or was killed) ends it quietly; the parent kills it
when the render ends early.
"""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import IO, Any, NoReturn

WORKER_ENV = "SPOKI_ACTIONS_DMCG_WORKER"
_current: list[Worker] = []


class Worker:
    def __init__(self) -> None:
        self.request: tuple[str, str] | None = None  # what it was given (`submit`)
        script = os.path.abspath(__file__)
        self._proc: subprocess.Popen[bytes] | Forked
        if can_fork():
            self._proc = Forked(script)
        else:
            self._proc = subprocess.Popen([sys.executable, "-P", script], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE)  # its warnings, as dmcg in-process would print them

    def submit(self, source: str, header: str) -> None:
        self.request = (source, header)
        request = json.dumps({"source": source, "header": header}, ensure_ascii=False)
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(request.encode("utf-8"))
            self._proc.stdin.close()
        except OSError:  # it died: `result` says so
            pass

    def result(self) -> dict[str, Any] | None:
        """The worker's answer, or None when it gave none (then run dmcg in-process)."""
        assert self._proc.stdout is not None
        try:
            answer = json.loads(self._proc.stdout.read())
        except (OSError, ValueError):
            answer = None
        finally:
            self.close()
        if not isinstance(answer, dict) or not ({"text", "problems"} & set(answer)):
            return None
        return answer

    def close(self) -> None:
        if self._proc.poll() is None:
            with contextlib.suppress(OSError):
                self._proc.kill()
        self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def can_fork() -> bool:
    """Fork rather than start a new interpreter: on Linux, from a process with one thread (a fork
    keeps only the calling thread, and a lock another one held would stay held in the child)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


class Forked:
    """The worker as a fork of this process, running this file as `python -P this_file` would, with
    what `subprocess.Popen` offers `Worker` (`stdin`, `stdout`, `pid`, `returncode`, `poll`, `kill`,
    `wait`). A fork skips the interpreter's start and the modules both already hold (typing, re,
    enum, dataclasses, pathlib, json...): the worker answers ~40 ms sooner, and it is the end of a
    cold run. The child's stdin and stdout are the request and answer pipes, every other descriptor
    but stderr is closed (as `Popen` closes them), and it ends by `os._exit`: it never returns into
    this process's code, its buffers or its atexit handlers."""

    def __init__(self, script: str) -> None:
        request_r, request_w = os.pipe()
        answer_r, answer_w = os.pipe()
        if min(request_r, request_w, answer_r, answer_w) < 3:  # stdin or stdout was closed: not worth the care
            for fd in (request_r, request_w, answer_r, answer_w):
                os.close(fd)
            raise OSError("no standard streams to hand the worker")
        for stream in (sys.stdout, sys.stderr):  # else the child would inherit (and might write) their buffers
            with contextlib.suppress(Exception):
                stream.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (its coverage is not collected)
            _forked_child(script, request_r, answer_w)
        os.close(request_r)
        os.close(answer_w)
        self.pid = pid
        self.returncode: int | None = None
        self.stdin: IO[bytes] | None = os.fdopen(request_w, "wb")
        self.stdout: IO[bytes] | None = os.fdopen(answer_r, "rb")

    def poll(self) -> int | None:
        if self.returncode is None:
            with contextlib.suppress(ChildProcessError):
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> int | None:
        if self.returncode is None:
            with contextlib.suppress(ChildProcessError):
                self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        return self.returncode


def _forked_child(script: str, request: int, answer: int) -> NoReturn:  # pragma: no cover - runs in the child
    code = 1
    try:
        os.dup2(request, 0)
        os.dup2(answer, 1)
        for name in os.listdir("/proc/self/fd"):  # every other descriptor of the parent but stderr
            if int(name) > 2:
                with contextlib.suppress(OSError):
                    os.close(int(name))
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the child's, ended by os._exit
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.argv = [script]
        if not sys.flags.safe_path and sys.path:
            del sys.path[0]  # the parent's script folder or working directory, as -P leaves it out
        runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # no usable answer: the parent runs dmcg itself
        pass
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
        os._exit(code)


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Start a worker for the render inside; whatever happens, it is gone afterwards."""
    worker: Worker | None = None
    if os.environ.get(WORKER_ENV, "1") != "0":
        with contextlib.suppress(OSError):
            worker = Worker()
    if worker is not None:
        _current.append(worker)
    try:
        yield
    finally:
        if worker is not None:
            if worker in _current:
                _current.remove(worker)
            worker.close()


def submit_ahead(source: str, header: str) -> None:
    """Give the started worker its request now; `take` with the same request collects it."""
    if _current and _current[-1].request is None:
        _current[-1].submit(source, header)


def dismiss() -> None:
    """End the started worker now if it has no request yet (the cache holds dmcg's output)."""
    if _current and _current[-1].request is None:
        _current.pop().close()


def take(source: str, header: str) -> Worker | None:
    """The started worker, for this one dmcg call, given the request (now, unless `submit_ahead`
    gave it this one already); None when there is none, or it was given another request."""
    if not _current:
        return None
    worker = _current[-1]
    if worker.request is None:
        worker.submit(source, header)
    elif worker.request != (source, header):
        return None
    _current.pop()
    return worker


# dmcg's options besides the input and the header; enum-typed ones by member name (resolved in
# `run`), so a request and the cache key (`emitters._dmcg_cache`) can carry them as plain values
OPTIONS: dict[str, Any] = {
    "input_file_type": "JsonSchema",
    "output_model_type": "PydanticV2BaseModel",
    "target_python_version": "PY_311",
    "disable_timestamp": True,  # and no version header, no formatter: the same bytes everywhere
    "formatters": [],
    "field_include_all_keys": True,  # descriptions and examples as Field(...) arguments (repr-escaped)
    "field_constraints": True,
    "use_annotated": True,
    "skip_root_model": True,
}


def run(source: str, header: str) -> dict[str, Any]:
    """dmcg here and now: `{"text": ...}` or `{"problems": [...]}` (dmcg's own errors, translated)."""
    from datamodel_code_generator import Error, PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType, InputFileType

    options = {**OPTIONS, "input_file_type": InputFileType[OPTIONS["input_file_type"]],
               "output_model_type": DataModelType[OPTIONS["output_model_type"]],
               "target_python_version": PythonVersion[OPTIONS["target_python_version"]]}
    try:
        text = generate(source, custom_file_header=header, **options)
    except Error as exc:  # translated here, the one place the generator calls dmcg
        return {"problems": [f"datamodel-code-generator: {exc}"]}
    if not isinstance(text, str):
        return {"problems": ["datamodel-code-generator returned several modules; expected one"]}
    return {"text": text}


# --- child side --------------------------------------------------------------------------------

# a schema using what ours use (objects, IntEnum and StrEnum, nullable fields, descriptions,
# examples, constraints): generating it first imports every part of dmcg the real call needs
_WARM_UP = {"$defs": {
    "K": {"type": "integer", "enum": [1, 2], "x-enum-varnames": ["A", "B"]},
    "S": {"type": "string", "enum": ["a", "b"]},
    "M": {"type": "object", "additionalProperties": True, "required": ["k"], "properties": {
        "k": {"$ref": "#/$defs/K", "description": "d"}, "s": {"anyOf": [{"$ref": "#/$defs/S"}, {"type": "null"}]},
        "n": {"type": ["string", "null"], "maxLength": 3, "examples": ["x"]},
        "d": {"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "object"}]}}},
}}


def _answer(out: IO[bytes], answer: dict[str, Any]) -> None:
    out.write(json.dumps(answer, ensure_ascii=False).encode("utf-8"))
    out.flush()


def _main() -> int:
    request: list[bytes] = []
    reader = threading.Thread(target=lambda: request.append(sys.stdin.buffer.read()), daemon=True)
    reader.start()
    try:
        if "text" not in run(json.dumps(_WARM_UP), ""):
            return 1
    except BaseException:  # no usable dmcg here: the parent will run it itself
        return 1
    reader.join()
    if not request or not request[0]:
        return 0  # the parent went away
    try:
        asked = json.loads(request[0])
        answer = run(asked["source"], asked["header"])
    except BaseException:
        import traceback

        _answer(sys.stdout.buffer, {"crash": traceback.format_exc()})
        return 1
    _answer(sys.stdout.buffer, answer)
    return 0


if __name__ == "__main__":
    code = _main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # the answer is out: no interpreter teardown for the parent to wait on
