"""`icpflow` command line (Typer + Rich). Entry points parse input, call one use case, shape output.

`icpflow check` reads filing documents from files, directories, JSONL or stdin, pre-checks each and
prints the report in Chinese (or `--format json`). Exit code: 0 all ready, 1 some blocked, 2 some
document could not be read.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import render
from .adapters.clock import SystemClock
from .adapters.images import LocalImageProbe
from .bootstrap import build_checker
from .config import Settings, SettingsInvalid, load_settings
from .domain.parsing import DocumentProblem
from .domain.rules.catalogue import CatalogueError
from .services.precheck import EXIT_UNREADABLE, CheckOutcome, check_raw

app = typer.Typer(
    name="icpflow",
    help="icpflow：小程序 ICP 备案预检与流程工具。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    human = "human"
    json = "json"


@dataclass(frozen=True, slots=True)
class Item:
    """One document to check: where it came from, its text (or an up-front problem), its folder."""

    source: str
    text: str | None
    base_dir: str
    problem: str = ""


def _read_text(path: Path) -> tuple[str | None, str]:
    try:
        return path.read_text(encoding="utf-8-sig"), ""
    except FileNotFoundError:
        return None, f"找不到文件 {path}"
    except UnicodeDecodeError:
        return None, f"文件 {path} 不是 UTF-8 编码的文本"
    except OSError as exc:
        return None, f"无法读取 {path}：{exc.strerror or exc}"


def _split_jsonl(text: str, source: str, base_dir: str) -> Iterator[Item]:
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield Item(f"{source}:{n}", line, base_dir)


def _looks_like_jsonl(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return all(ln.lstrip().startswith("{") for ln in lines[:3])
    return False


def collect(paths: list[str]) -> Iterator[Item]:
    """Every document named by the arguments, in a stable order."""
    for arg in paths:
        if arg == "-":
            text = sys.stdin.read()
            if _looks_like_jsonl(text):
                yield from _split_jsonl(text, "<stdin>", str(Path.cwd()))
            else:
                yield Item("<stdin>", text, str(Path.cwd()))
            continue
        path = Path(arg)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in (".json", ".jsonl") and p.is_file())
            if not files:
                yield Item(str(path), None, str(path), f"目录 {path} 中没有 .json 或 .jsonl 文件")
            for file in files:
                yield from _file_items(file)
        else:
            yield from _file_items(path)


def _file_items(path: Path) -> Iterator[Item]:
    text, problem = _read_text(path)
    base = str(path.parent.resolve())
    if text is None:
        yield Item(str(path), None, base, problem)
    elif path.suffix == ".jsonl":
        yield from _split_jsonl(text, str(path), base)
    else:
        yield Item(str(path), text, base)


# ----- checking, in this process or in a pool ----------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(settings_json: str, images: bool) -> None:
    settings = Settings.model_validate_json(settings_json)
    _WORKER["checker"] = build_checker(settings)
    _WORKER["clock"] = SystemClock(settings.timezone)
    _WORKER["settings"] = settings
    _WORKER["images"] = images


def _check(item: Item) -> tuple[int, str]:
    """(exit code, the outcome as one line of JSON): strings cross process boundaries cheaply."""
    if item.text is None:
        outcome = CheckOutcome(item.source, problems=[DocumentProblem("", "", item.problem)])
    else:
        settings: Settings = _WORKER["settings"]
        probe = None
        if _WORKER["images"]:
            probe = LocalImageProbe(Path(item.base_dir), max_pixels=settings.max_image_pixels)
        outcome = check_raw(item.text, source=item.source, checker=_WORKER["checker"], clock=_WORKER["clock"],
                            probe=probe)
    return outcome.exit_code, json.dumps(outcome.to_dict(), ensure_ascii=False)


def _check_chunk(items: list[Item]) -> list[tuple[int, str]]:
    return [_check(i) for i in items]


def run_checks(items: list[Item], settings: Settings, *, jobs: int, images: bool,
               progress: Progress | None) -> list[tuple[int, str]]:
    """Every item checked, in input order, in this process or in `jobs` worker processes."""
    task = progress.add_task("预检中", total=len(items)) if progress else None
    results: list[tuple[int, str]] = []
    if jobs <= 1 or len(items) < 64:
        _init_worker(settings.model_dump_json(), images)
        for item in items:
            results.append(_check(item))
            if progress is not None and task is not None:
                progress.advance(task)
        return results
    size = max(16, min(256, len(items) // (jobs * 8) or 1))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(settings.model_dump_json(), images)) as pool:
        for chunk_result in pool.map(_check_chunk, chunks):
            results.extend(chunk_result)
            if progress is not None and task is not None:
                progress.advance(task, len(chunk_result))
    return results


def _settings_or_exit(console: Console) -> Settings:
    try:
        return load_settings()
    except SettingsInvalid as exc:
        render.report_config_error(exc, console)
        raise typer.Exit(EXIT_UNREADABLE) from None


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="备案文档：JSON 文件、JSONL 文件、目录，或 - 表示标准输入")],
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="输出格式：human（中文）或 json")
    ] = OutputFormat.human,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=64, help="并行进程数（多文档时）")] = 1,
    images: Annotated[bool, typer.Option("--images/--no-images", help="读取附件图片，测量尺寸与方向")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="多文档时逐个打印报告")] = False,
) -> None:
    """预检备案文档：列出会被平台或管局退回的问题、需要补充的材料和建议备注。"""
    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    settings = _settings_or_exit(err)
    try:
        build_checker(settings)  # fail fast on a broken override file, before any work
    except CatalogueError as exc:
        err.print(f"[red]规则目录错误[/red] {exc.origin}")
        for path, msg in exc.problems:
            err.print(f"  {path}: {msg}")
        raise typer.Exit(EXIT_UNREADABLE) from None
    items = list(collect(paths))
    many = len(items) > 1
    progress = None
    if many and err.is_terminal:
        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=err, transient=True)
    if progress is not None:
        with progress:
            results = run_checks(items, settings, jobs=jobs, images=images, progress=progress)
    else:
        results = run_checks(items, settings, jobs=jobs, images=images, progress=None)

    if output is OutputFormat.json:
        if many:  # JSON lines, written as they are: no console markup or wrapping on this path
            sys.stdout.writelines(line + "\n" for _, line in results)
        else:
            only = json.loads(results[0][1])
            body = only["report"] if "report" in only else {"source": only["source"], "problems": only["problems"]}
            sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    else:
        decoded = [json.loads(line) for _, line in results]
        if many:
            if verbose:
                for result in decoded:
                    render.outcome(out, result)
            render.summary(out, decoded)
        else:
            render.outcome(out, decoded[0])
    raise typer.Exit(max((code for code, _ in results), default=0))


@app.command()
def rules(
    output: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.human,
    province: Annotated[str | None, typer.Option(help="只列出适用于该省的规则（行政区划代码，如 440000）")] = None,
) -> None:
    """列出规则目录：每条规则的编号、适用范围、严重程度和依据。"""
    out = Console(highlight=False)
    settings = _settings_or_exit(Console(stderr=True))
    checker = build_checker(settings)
    selected = [r for r in checker.catalogue.rules
                if province is None or r.scope.provinces is None or province in r.scope.provinces]
    if output is OutputFormat.json:
        out.out(json.dumps([render.rule_dict(r) for r in selected], ensure_ascii=False, indent=2))
    else:
        render.rules_table(out, selected, checker.regions)


def _register_workflow() -> None:
    from .cli_config import operator_app
    from .cli_filings import filings_app
    from .cli_serve import serve_command
    from .cli_workflow import db_app, worker_command

    app.add_typer(db_app, name="db")
    app.add_typer(filings_app, name="filings")
    app.add_typer(operator_app, name="operator")
    app.command("worker")(worker_command)
    app.command("serve")(serve_command)


_register_workflow()


def main() -> None:
    """Console-script entry point."""
    app()
