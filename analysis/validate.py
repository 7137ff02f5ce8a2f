"""Check every user input before a run starts: all problems at once, one line each.

:func:`check_inputs` reads the raw folder listing, the manifest and every editable lexicon with
the same readers the stages use, collects one :class:`~analysis.errors.AnalysisError` per bad
file (``file:line: problem``) and raises them together as
:class:`~analysis.errors.InputErrors`; the CLI prints each once and exits with code 2 before
anything is computed or written. :func:`check_out_dir` refuses an output folder that overlaps
the data folder (a run must never write into, or delete from, the user's only copy of a corpus).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analysis import paths
from analysis.errors import AnalysisError, InputErrors, InputFileError
from analysis.options import Lexicons


def _lexicon_checks(lexicon_dir: Path) -> list[tuple[Path, Callable[[Path], object]]]:
    from analysis._files import read_word_list
    from analysis.corpus.clean import load_chrome_patterns
    from analysis.corpus.genre import load_genre_profiles
    from analysis.measures.slogans import load_slogan_patterns
    from analysis.measures.themes import load_themes
    from analysis.text.lexicons import read_delete_list, read_user_dict

    lex = Lexicons(lexicon_dir)
    return [
        (lex.userdict, read_user_dict),
        (lex.delete_list, read_delete_list),
        (lex.stopwords, read_word_list),
        (lex.generic_words, read_word_list),
        (lex.themes, load_themes),
        (lex.slogans, load_slogan_patterns),
        (lex.chrome, load_chrome_patterns),
        (lex.genres, load_genre_profiles),
    ]


def _read_any(path: Path) -> object:
    from analysis._files import read_text_lines, read_yaml

    if path.suffix in (".yaml", ".yml"):
        return read_yaml(path)
    return list(read_text_lines(path))


def input_problems(
    data_dir: str | Path | None = None,
    *,
    lexicon_dir: str | Path | None = None,
    recursive: bool = False,
) -> list[AnalysisError]:
    """Every problem in the raw folder, its manifest and the lexicons (empty list = all good).

    Args:
        data_dir: raw folder (``None`` = only the lexicons are checked).
        lexicon_dir: folder of editable lexicons (default ``data/lexicons``).
        recursive: the raw folder will be read with its subfolders (``--recursive``).

    Returns:
        One error per bad file, in a stable order (folder, manifest, then each lexicon).
    """
    problems: list[AnalysisError] = []
    if data_dir is not None:
        from analysis.corpus.io import list_raw_files, read_manifest

        def list_files(folder):
            return list_raw_files(folder, recursive=True) if recursive else list_raw_files(folder)

        for check in (list_files, read_manifest):
            try:
                check(data_dir)
            except AnalysisError as exc:
                problems.append(exc)
            except OSError as exc:
                problems.append(InputFileError(data_dir, f"cannot read: {exc.strerror}"))
    folder = Path(lexicon_dir) if lexicon_dir is not None else paths.LEXICONS
    checks = _lexicon_checks(folder)
    known = {path.name for path, _ in checks}
    from analysis.corpus.gazetteer import GAZETTEER_CSV, read_gazetteer

    checks.append((GAZETTEER_CSV, read_gazetteer))  # data/gazetteer/admin_divisions.csv
    for extra in sorted(folder.glob("*")) if folder.is_dir() else []:
        # a lexicon added later (e.g. genres.yaml) is at least checked for encoding and syntax
        if extra.name not in known and extra.suffix in (".yaml", ".yml", ".txt"):
            checks.append((extra, _read_any))
    for path, reader in checks:
        try:
            reader(path)
        except AnalysisError as exc:
            problems.append(exc)
        except OSError as exc:
            problems.append(InputFileError(path, f"cannot read: {exc.strerror}"))
    return problems


def check_inputs(
    data_dir: str | Path | None = None,
    *,
    lexicon_dir: str | Path | None = None,
    recursive: bool = False,
) -> None:
    """Raise :class:`InputErrors` listing every problem :func:`input_problems` finds."""
    problems = input_problems(data_dir, lexicon_dir=lexicon_dir, recursive=recursive)
    if problems:
        raise InputErrors(problems)


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def check_out_dir(data_dir: str | Path, out_dir: str | Path) -> None:
    """Refuse an output folder inside the data folder, or a data folder inside the output.

    Raises:
        AnalysisError: one line naming both folders (nothing has been written yet).
    """
    data = Path(data_dir).expanduser().resolve()
    out = Path(out_dir).expanduser().resolve()
    if _inside(out, data):
        raise AnalysisError(
            f"--out {out_dir} is inside --data {data_dir}: outputs would be written among the "
            "raw reports; choose an output folder outside the data folder"
        )
    if _inside(data, out):
        raise AnalysisError(
            f"--data {data_dir} is inside --out {out_dir}: regenerating outputs could overwrite "
            "the raw reports; choose an output folder outside the data folder"
        )
