"""The sub-commands that manage what renders draw on: `templates` and `themes` (list, show,
copy) and `cache` (the speech cache: info, clear)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import CacheDirOpt, _guard

templates_app = typer.Typer(help="List, show and copy narration templates.",
                            no_args_is_help=True)
themes_app = typer.Typer(help="List, show and copy themes.", no_args_is_help=True)


@templates_app.command("list")
def templates_list() -> None:
    """List templates: built-ins, and those in ./templates that override or add to them."""
    from .. import script as scripts

    for info in _guard(scripts.list_templates):
        languages = ", ".join(".".join(f.name.split(".")[1:-1]) or "any" for f in info.files)
        print(f"{info.name:<12} [{languages}]  {info.description}  ({info.files[0].parent})")


@templates_app.command("show")
def templates_show(
    name: Annotated[str, typer.Argument(help="Template name.", show_default=False)],
    language: Annotated[str, typer.Option("--language", help="Brief language.")] = "zh-CN",
) -> None:
    """Print a template's source for a language."""
    from .. import script as scripts

    path = _guard(lambda: scripts.find_template(name, language, None))
    text = _guard(lambda: scripts.read_template(path))
    print(f"# {path}")
    print(text, end="")


@templates_app.command("copy")
def templates_copy(
    name: Annotated[str, typer.Argument(help="Template to copy.", show_default=False)],
    dest: Annotated[Path, typer.Argument(help="Folder to copy into, e.g. ./templates.",
                                         show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Copy a template (every language) into DEST to start a custom one. A copy kept in
    ./templates or in templates/ beside a brief overrides the built-in of the same name."""
    from .. import script as scripts

    for path in _guard(lambda: scripts.copy_template(name, dest, overwrite=force)):
        print(path)


@themes_app.command("list")
def themes_list() -> None:
    """List themes: built-ins, and those in ./themes."""
    from .. import theme as themes

    for name, path in themes.list_themes():
        print(f"{name:<12} ({path})")


@themes_app.command("show")
def themes_show(
    name: Annotated[str, typer.Argument(help="Theme name or path.", show_default=False)],
) -> None:
    """Print a theme file."""
    from .. import theme as themes

    path = _guard(lambda: themes.find_theme(name, None))
    text = _guard(lambda: themes.read_theme_text(path))
    print(f"# {path}")
    print(text, end="")


@themes_app.command("copy")
def themes_copy(
    name: Annotated[str, typer.Argument(help="Theme to copy.", show_default=False)],
    dest: Annotated[Path, typer.Argument(help="Folder to copy into, e.g. ./themes.",
                                         show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Copy a theme into DEST to start a custom one."""
    from .. import theme as themes

    print(_guard(lambda: themes.copy_theme(name, dest, overwrite=force)))


cache_app = typer.Typer(help="Show or clear the speech cache.", no_args_is_help=True)


@cache_app.command("info")
def cache_info(cache_dir: CacheDirOpt = None) -> None:
    """Where the speech cache is, how many sentences it holds and how large it is."""
    from .. import cache

    root = cache.resolve_cache_dir(cache_dir)
    assert root is not None
    info = _guard(lambda: cache.cache_info(root))
    engines = ", ".join(f"{name} {count}" for name, count in info.by_engine.items())
    print(f"cache: {info.root}")
    print(f"speech: {info.entries} sentences, {info.bytes / 1e6:.1f} MB"
          + (f" ({engines})" if engines else ""))
    if info.damaged or info.temporary:
        print(f"damaged: {info.damaged} (made again when next used), "
              f"unfinished writes: {info.temporary}")


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDirOpt = None) -> None:
    """Delete every cached sentence (speech is synthesized again when next needed)."""
    from .. import cache

    root = cache.resolve_cache_dir(cache_dir)
    assert root is not None
    files, size = _guard(lambda: cache.clear_cache(root))
    print(f"removed {files} file(s), {size / 1e6:.1f} MB, from {root}")
