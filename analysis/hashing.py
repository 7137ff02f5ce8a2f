"""One place for hashes and versions: what every cache key and manifest entry is made of.

- :func:`digest` / :func:`file_digest` / :func:`folder_digest`: SHA-256 of bytes, files, folders.
- :func:`content_hash`: a stable SHA-256 of a stage value (DataFrame, Series, array, dataclass,
  dict, list, scalar); floats are rounded to :data:`HASH_DECIMALS` so last-bit summation noise is
  not a change, and folder locations (``Path`` fields) are not content.
- :func:`library_versions`: the versions of the distributions that can change a result
  (:data:`LIBRARIES`, the one list).
- :func:`module_closure` / :func:`source_digest`: the ``analysis`` modules a module imports,
  directly or not (computed from the import statements, never a hand-kept list), and the
  SHA-256 of their source. A stage cache keyed by it can never serve a result computed by
  older code.
- :func:`code_digest`: the source of a function and of every ``analysis`` function, class and
  constant it reaches (its code closure), so a figure is redrawn exactly when code that draws
  it changed.

    >>> from analysis.hashing import content_hash, source_digest
    >>> content_hash({"a": 1.0}) == content_hash({"a": 1.0 + 1e-15})
    True
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import inspect
import json
import platform
import sys
import types
import weakref
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGE = "analysis"
PACKAGE_DIR = Path(__file__).resolve().parent

#: distributions whose versions can change a table, a figure or a cached stage value.
LIBRARIES: tuple[str, ...] = (
    "analysis",
    "numpy",
    "pandas",
    "scipy",
    "matplotlib",
    "mplfonts",
    "scikit-learn",
    "gensim",
    "tomotopy",
    "jieba",
    "rjieba",
    "opencc",
    "pyarrow",
    "pyyaml",
)

HASH_DECIMALS = 10  # floats are hashed rounded: last-bit summation noise is not a change


# ----------------------------------------------------------------------------- bytes, files
def digest(*parts: bytes | str) -> str:
    """SHA-256 of several byte strings, each length-prefixed (so ``("ab", "c") != ("a", "bc")``)."""
    h = hashlib.sha256()
    for part in parts:
        b = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def file_digest(*files: str | Path | None) -> str:
    """SHA-256 over the bytes of files, in order (``None`` and missing files count as absent)."""
    parts: list[bytes] = []
    for f in files:
        if f is None:
            parts.append(b"<none>")
        else:
            p = Path(f)
            parts.append(p.read_bytes() if p.is_file() else b"<missing>")
    return digest(*parts)


def folder_digest(root: str | Path, pattern: str = "*") -> str:
    """SHA-256 of the relative names and bytes of the files under ``root`` matching ``pattern``
    (an absent folder hashes as empty; where the folder lives does not matter)."""
    root = Path(root)
    files = sorted(p for p in root.glob(pattern) if p.is_file()) if root.is_dir() else []
    parts: list[bytes] = []
    for f in files:
        if "__pycache__" in f.parts:
            continue
        parts += [f.relative_to(root).as_posix().encode(), f.read_bytes()]
    return digest(*parts)


def rows_digest(rows: Iterable[Iterable[object]]) -> str:
    """SHA-256 of a sequence of rows (each row's fields joined by U+001F, rows ended by U+001E);
    a fast digest of large inputs such as paragraph texts or token lists, in order."""
    h = hashlib.sha256()
    for row in rows:
        h.update(("\x1f".join(map(str, row)) + "\x1e").encode())
    return h.hexdigest()


# ----------------------------------------------------------------------------- versions
@functools.lru_cache(maxsize=1)
def _versions() -> tuple[tuple[str, str], ...]:
    out = {"python": platform.python_version()}
    out.update({name: library_version(name) for name in LIBRARIES})
    return tuple(out.items())


def library_version(distribution: str) -> str:
    """Installed version of one distribution (``"not installed"`` when absent)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def library_versions() -> dict[str, str]:
    """``{"python": "3.11.x", "numpy": "2.4.6", …}`` for :data:`LIBRARIES` (memoised)."""
    return dict(_versions())


# ----------------------------------------------------------------------------- values
def content_hash(value: Any) -> str:
    """A stable SHA-256 of a stage value (DataFrame, Series, array, dataclass, dict, scalar)."""
    h = hashlib.sha256()
    _update(h, value)
    return h.hexdigest()


def _update(h, value: Any) -> None:
    # a value can only be a DataFrame or an array once pandas / numpy are imported: hashing
    # plain options (the fingerprint of a warm ``figures`` run) must not import them
    pd = sys.modules.get("pandas")
    np = sys.modules.get("numpy")
    if pd is not None and isinstance(value, pd.DataFrame):
        h.update(json.dumps([str(c) for c in value.columns]).encode())
        floats = value.select_dtypes("float").columns
        if len(floats):
            value = value.assign(**{c: value[c].round(HASH_DECIMALS) for c in floats})
        h.update(
            pd.util.hash_pandas_object(value.astype(_hashable_dtypes(value)), index=True)
            .to_numpy()
            .tobytes()
        )
    elif pd is not None and isinstance(value, pd.Series):
        h.update(
            pd.util.hash_pandas_object(
                value.map(_scalar) if value.dtype == object else value, index=True
            )
            .to_numpy()
            .tobytes()
        )
    elif np is not None and isinstance(value, np.ndarray):
        h.update(str(value.shape).encode() + str(value.dtype).encode())
        if value.dtype.kind == "f":
            value = np.round(value, HASH_DECIMALS)
        h.update(np.ascontiguousarray(value).tobytes())
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            field_value = getattr(value, name)
            if isinstance(field_value, Path):
                continue  # where a folder lives is not content (Corpus.data_dir)
            h.update(name.encode())
            _update(h, field_value)
    elif isinstance(value, float):
        h.update(repr(round(value, HASH_DECIMALS)).encode())
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            if str(key).endswith("_seconds"):
                continue  # timings (fit_seconds) differ run to run; they are not inputs
            h.update(str(key).encode())
            _update(h, value[key])
    elif isinstance(value, (list, tuple)):
        h.update(f"[{len(value)}".encode())
        for item in value:
            _update(h, item)
    else:
        h.update(repr(value).encode())


def _scalar(v: Any) -> Any:
    import numpy as np

    return (
        json.dumps(v, default=str, ensure_ascii=False)
        if isinstance(v, (list, tuple, dict, np.ndarray))
        else v
    )


def _hashable_dtypes(df) -> dict[str, Any]:
    import numpy as np

    out = {}
    for col in df.columns:
        if (
            df[col].dtype == object
            and df[col].map(lambda v: isinstance(v, (list, tuple, dict, np.ndarray))).any()
        ):
            out[col] = str
    return out


# ----------------------------------------------------------------------------- source code
def _module_file(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def _imports(name: str, path: Path) -> set[str]:
    """``analysis`` modules imported anywhere in the module (top level or inside functions)."""
    tree = ast.parse(path.read_bytes())
    is_pkg = path.name == "__init__.py"
    base = name if is_pkg else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                mod = ".".join(parts + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)  # ``from pkg import module``
    return {m for m in found if m == PACKAGE or m.startswith(PACKAGE + ".")}


@functools.cache
def module_closure(*names: str) -> tuple[str, ...]:
    """Every ``analysis`` module that the given modules import, directly or indirectly
    (packages' ``__init__`` included), sorted; computed from the source, not kept by hand."""
    seen: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:
            continue
        seen.add(name)
        stack.extend(_imports(name, path))
        parent = name.rpartition(".")[0]
        if parent:
            stack.append(parent)
    return tuple(sorted(seen))


def source_digest(*names: str) -> str:
    """SHA-256 of the source of the import closure of the given modules (see
    :func:`module_closure`); ``source_digest("analysis")`` alone covers only the package
    ``__init__``; pass the modules that compute a value."""
    parts: list[bytes] = []
    for name in module_closure(*names):
        path = _module_file(name)
        if path is not None:
            parts += [name.encode(), path.read_bytes()]
    return digest(*parts)


def source_fingerprint(
    data_dir: str | Path, lexicon_dir: str | Path, options_key: dict[str, Any]
) -> str:
    """SHA-256 of everything a study's results are computed from, without computing anything:
    the bytes of every file of the data folder, of the lexicon folder and of the gazetteer
    (``data/gazetteer/admin_divisions.csv``), every file of the ``analysis`` package, the library versions and the
    options that change results (``StudyOptions.key()``). Light: imports neither pandas nor
    numpy, so ``python -m analysis figures`` can tell that nothing changed in a fraction of a
    second."""
    from analysis import paths

    return digest(
        folder_digest(data_dir),
        folder_digest(lexicon_dir),
        package_digest(),
        content_hash(library_versions()),
        content_hash(options_key),
        file_digest(paths.DATA / "gazetteer" / "admin_divisions.csv"),
    )


def package_digest() -> str:
    """SHA-256 of every file of the ``analysis`` package (source and style file)."""
    return folder_digest(PACKAGE_DIR, "**/*")


def code_digest(*funcs: Callable[..., Any], extra: Iterable[str | Path] = ()) -> str:
    """SHA-256 of the code closure of functions: their source and, recursively, the source of
    every function or class of the ``analysis`` package they reference (directly, through a
    module attribute or a function-level import), plus the ``repr`` of the constants they read.

    Editing a plotting helper therefore changes the digest of exactly the figures whose code
    reaches it. ``extra`` adds files (e.g. the style sheet) to the digest.
    """
    parts: list[bytes] = []
    for key, text in sorted(_closure(funcs).items()):
        parts += [key.encode(), text.encode("utf-8")]
    for f in extra:
        parts += [str(Path(f).name).encode(), Path(f).read_bytes()]
    return digest(*parts)


def _ours(obj: Any) -> bool:
    mod = getattr(obj, "__module__", None) or ""
    return mod == PACKAGE or mod.startswith(PACKAGE + ".")


def _codes(code: types.CodeType) -> Iterable[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _closure(funcs: Iterable[Callable[..., Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    stack: list[Any] = [inspect.unwrap(f) for f in funcs]
    while stack:
        obj = stack.pop()
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
        if isinstance(obj, functools.partial):
            stack.append(obj.func)
            continue
        if isinstance(obj, types.ModuleType):
            key = obj.__name__
            if key in out or not key.startswith(PACKAGE):
                continue
            out[key] = inspect.getsource(obj)
            continue
        if not (inspect.isfunction(obj) or inspect.isclass(obj)) or not _ours(obj):
            continue
        key = f"{obj.__module__}:{obj.__qualname__}"
        if key in out:
            continue
        out[key] = _source(obj)
        module = inspect.getmodule(obj)
        namespace = vars(module) if module is not None else {}
        if inspect.isclass(obj):
            codes = [
                c
                for member in vars(obj).values()
                for fn in [getattr(member, "__func__", getattr(member, "fget", member))]
                if inspect.isfunction(fn)
                for c in _codes(fn.__code__)
            ]
            stack.extend(b for b in obj.__mro__[1:] if _ours(b))
        else:
            codes = list(_codes(obj.__code__))
            namespace = obj.__globals__
        for code in codes:
            names = set(code.co_names)
            for name in names:
                if name.startswith(PACKAGE + "."):  # a function-level ``import analysis.x``
                    _reach_module(name, names, stack, out)
                    continue
                if name not in namespace:
                    package = getattr(inspect.getmodule(obj), "__package__", None) or ""
                    if package.startswith(PACKAGE) and f"{package}.{name}" in sys.modules:
                        _reach_module(f"{package}.{name}", names, stack, out)  # ``from .x import``
                    continue
                value = namespace[name]
                if isinstance(value, types.ModuleType):
                    if value.__name__.startswith(PACKAGE):
                        # module attribute access (``ts.plot_x``): follow the names it reads
                        for attr in names:
                            if hasattr(value, attr):
                                _reach(getattr(value, attr), f"{value.__name__}.{attr}", stack, out)
                    continue
                _reach(value, f"{getattr(obj, '__module__', '')}.{name}", stack, out)
    return out


#: source text of functions and classes, per process: every output's code closure reaches the
#: same helpers, and ``inspect.getsource`` re-tokenizes the module each time. Keyed weakly by
#: the object (a reloaded module makes new function and class objects).
_SOURCES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _source(obj: Any) -> str:
    try:
        return _SOURCES[obj]
    except (KeyError, TypeError):
        pass
    try:
        text = inspect.getsource(obj)
    except (OSError, TypeError):
        text = repr(obj)
    try:
        _SOURCES[obj] = text
    except TypeError:  # not weak-referenceable: not cached
        pass
    return text


def _reach_module(modname: str, names: set[str], stack: list, out: dict[str, str]) -> None:
    """``from analysis.x import y`` inside a function: follow ``y`` in ``analysis.x``."""
    try:
        module = importlib.import_module(modname)
    except ImportError:
        return
    for attr in names:
        if hasattr(module, attr):
            _reach(getattr(module, attr), f"{modname}.{attr}", stack, out)


def _reach(value: Any, key: str, stack: list, out: dict[str, str]) -> None:
    if inspect.isfunction(value) or inspect.isclass(value) or isinstance(value, functools.partial):
        stack.append(value)
    elif isinstance(value, (str, int, float, bool, tuple, frozenset, bytes)) or (
        isinstance(value, (dict, list)) and len(repr(value)) < 100_000
    ):
        out.setdefault(f"const:{key}", repr(value))
