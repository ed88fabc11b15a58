"""The build backend: setuptools' own (`setuptools.build_meta`), less one notice of its editable install.

pyproject's `package-dir` assembles one import root from several top-level folders (`spoki_actions` from
runtime/, `spoki_actions.generator` from generator/, ...). No path entry in a .pth file can serve such a
mapping, so setuptools' editable install maps the names with an import hook (its default, "lenient" mode)
and then always prints an InformationOnly box: "Please be careful with folders in your working directory
with the same name as your package as they may take precedence during imports". Its other modes are no
way out: "strict" serves a link tree under build/ (a new module needs a reinstall) and prints a box of its
own; "compat" puts the checkout's root on sys.path, where there is no `spoki_actions` to import. Hatchling
refuses an editable install of a `sources` rewrite that changes a prefix (runtime -> spoki_actions).

The hazard that box names is a folder called `spoki_actions` shadowing the hook; this checkout has none,
its layout being fixed by the developers' guide. While that holds, this module drops exactly that one
notice; every hook, every file built and every other message are setuptools' own. Should a folder of that
name ever appear in the checkout, the notice shows again.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403  (every PEP 517/660 hook, unchanged but build_editable)
from setuptools.warnings import InformationOnly

__all__ = _setuptools.__all__

CHECKOUT = Path(__file__).resolve().parents[1]
NOTICE = r"Editable installation\.\s+!!\s+\*+\s+Please be careful with folders in your working directory"


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, str | list[str]] | None = None,
    metadata_directory: str | None = None,
) -> str:
    with warnings.catch_warnings():
        if not (CHECKOUT / "spoki_actions").exists():
            warnings.filterwarnings("ignore", message=NOTICE, category=InformationOnly)
        return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
