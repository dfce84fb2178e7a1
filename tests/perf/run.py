"""Run the benchmarks: `python -m tests.perf.run [--only engine,inbox] [--quick] [--database sqlite]`.

Every module tests/perf/bench_<name>.py exposing `run(ctx) -> list[dict]` is a benchmark. For each
database kind (SQLite, PostgreSQL) and each module, the runner prepares a freshly migrated and seeded
database (processes/ loaded, demo accounts), calls `run(ctx)`, and merges what it returns into
tests/perf/results.json and a table in tests/perf/results.md (printed too). See docs/PERFORMANCE.md.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULT_KEYS = ("name", "unit", "value", "baseline", "ratio", "target_ratio", "database")
KINDS = ("sqlite", "postgresql")
PG_ADMIN_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "satupintu_bench"


def _pg_admin_url() -> str:
    raw = os.environ.get("BENCH_DATABASE_URL", PG_ADMIN_DEFAULT)
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            raw = "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def bench_config(url: str, instance: Path) -> dict:
    """The app settings a benchmark runs with: the test settings on the given database."""
    from app.config import TestConfig

    return {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()} | {
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(instance / "uploads"),
        "SIGNING_DEV_DIR": str(Path(tempfile.gettempdir()) / "satupintu-bench-signing"),
    }


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0-100) of the samples, by linear interpolation."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class BenchContext:
    """What a benchmark module gets: the database to use, the run's options and a results helper."""

    database: str                 # "sqlite" or "postgresql"
    url: str                      # SQLAlchemy URL of a freshly migrated and seeded database
    quick: bool                   # smaller sizes and fewer repetitions, for iterating
    workdir: Path                 # scratch folder, removed after the run
    module: str = ""              # "engine" for bench_engine.py
    admin_url: str = ""           # PostgreSQL maintenance URL (empty on SQLite)
    notes: list[str] = field(default_factory=list)

    def create_app(self, **overrides):
        """A Flask app on this context's database (TestConfig settings plus `overrides`)."""
        from app import create_app

        return create_app(bench_config(self.url, self.workdir) | overrides)

    def result(self, name: str, value: float, *, unit: str, baseline: float, target_ratio: float,
               higher_is_better: bool = False) -> dict:
        """One figure; ratio is cost over baseline (lower is better) whichever way the unit points."""
        if higher_is_better:
            ratio = baseline / value if value else float("inf")
        else:
            ratio = value / baseline if baseline else float("inf")
        return {"name": name, "unit": unit, "value": round(float(value), 4), "baseline": round(float(baseline), 4),
                "ratio": round(float(ratio), 3), "target_ratio": float(target_ratio), "database": self.database,
                "module": self.module}

    def log(self, message: str) -> None:
        """A progress line on stderr."""
        print(f"  [{self.module}/{self.database}] {message}", file=sys.stderr, flush=True)

    percentile = staticmethod(percentile)
    median = staticmethod(statistics.median)


# -- databases ---------------------------------------------------------------------------------


def _migrate_and_seed(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    from app import create_app

    app = create_app(bench_config(url, instance))
    with app.app_context():
        from app.accounts import demo
        from app.catalog import service as catalog
        from app.extensions import db

        upgrade(revision="heads")
        report = catalog.sync_from_disk()
        if any("error" in line for line in report):
            raise RuntimeError(f"loading processes/ failed: {report}")
        demo.seed()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


class Databases:
    """Creates the fresh database a module runs on, and drops it afterwards."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self._templates: dict[str, Path] = {}

    def fresh(self, kind: str) -> str:
        """The URL of a newly migrated and seeded database of this kind."""
        if kind == "sqlite":
            template = self._templates.get(kind)
            if template is None:  # migrate once, copy for every module
                template = self.workdir / "template.db"
                _migrate_and_seed(f"sqlite:///{template}", self.workdir)
                self._templates[kind] = template
            path = self.workdir / "bench.db"
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copy(template, path)
            return f"sqlite:///{path}"
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = _pg_admin_url()
        name = os.environ.get("BENCH_DATABASE_NAME", PG_BENCH_DB)
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
        _migrate_and_seed(url, self.workdir)
        return url

    def drop(self, kind: str) -> None:
        """Remove the database a module ran on."""
        if kind == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.workdir / 'bench.db'}{suffix}").unlink(missing_ok=True)
            return
        from sqlalchemy import create_engine, text

        name = os.environ.get("BENCH_DATABASE_NAME", PG_BENCH_DB)
        engine = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def postgres_available() -> str | None:
    """None when the PostgreSQL server answers, else the reason it does not."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(_pg_admin_url())
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return str(exc).splitlines()[0]


# -- discovery, results ------------------------------------------------------------------------


def discover() -> dict[str, object]:
    """Every tests/perf/bench_<name>.py, by name."""
    found = {}
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem[len("bench_"):]
        found[name] = f"tests.perf.{path.stem}"
    return found


def _check(module: str, rows: list) -> list[dict]:
    checked = []
    for row in rows:
        missing = [k for k in RESULT_KEYS if k not in row]
        if missing:
            raise ValueError(f"bench_{module}: result {row!r} lacks {missing}")
        checked.append({**row, "module": row.get("module") or module})
    return checked


def _merge(path: Path, fresh: list[dict], ran: set[tuple[str, str]]) -> list[dict]:
    """Keep earlier figures of modules (per database) not run this time; replace the others."""
    kept = []
    if path.exists():
        try:
            kept = [r for r in json.loads(path.read_text()) if (r.get("module"), r.get("database")) not in ran]
        except (ValueError, TypeError):
            kept = []
    return kept + fresh


def _fmt(value: float) -> str:
    if value == float("inf"):
        return "inf"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def table(rows: list[dict]) -> str:
    """A Markdown table of the figures, one line each, with whether the target is met."""
    lines = ["| module | database | figure | value | unit | baseline | ratio | target | met |",
             "| --- | --- | --- | ---: | --- | ---: | ---: | ---: | --- |"]
    for r in rows:
        met = "yes" if r["ratio"] <= r["target_ratio"] else "**no**"
        lines.append(f"| {r.get('module', '')} | {r['database']} | {r['name']} | {_fmt(r['value'])} | {r['unit']} "
                     f"| {_fmt(r['baseline'])} | {_fmt(r['ratio'])} | {_fmt(r['target_ratio'])} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the selected modules on each database, write the results."""
    parser = argparse.ArgumentParser(prog="python -m tests.perf.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated module names (engine,inbox,scheduler,http)")
    parser.add_argument("--quick", action="store_true", help="small sizes, few repetitions (results-quick.*)")
    parser.add_argument("--database", default=",".join(KINDS), help="sqlite, postgresql or both (default)")
    parser.add_argument("--output", default="", help="results file stem (default tests/perf/results)")
    parser.add_argument("--list", action="store_true", help="list the benchmark modules and exit")
    args = parser.parse_args(argv)

    modules = discover()
    if args.list:
        print("\n".join(modules))
        return 0
    selected = [m.strip() for m in args.only.split(",") if m.strip()] or list(modules)
    unknown = [m for m in selected if m not in modules]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; found {sorted(modules)}")
    kinds = [k.strip() for k in args.database.split(",") if k.strip()]
    if any(k not in KINDS for k in kinds):
        parser.error(f"--database takes {KINDS}")
    if "postgresql" in kinds and (reason := postgres_available()):
        print(f"PostgreSQL not available, its runs are skipped: {reason}", file=sys.stderr)
        kinds.remove("postgresql")

    stem = Path(args.output) if args.output else HERE / ("results-quick" if args.quick else "results")
    rows: list[dict] = []
    ran: set[tuple[str, str]] = set()
    failures = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="satupintu-bench-") as tmp:
        databases = Databases(Path(tmp))
        for name in selected:
            module = importlib.import_module(modules[name])
            for kind in kinds:
                if kind not in getattr(module, "DATABASES", KINDS):
                    continue
                print(f"bench_{name} on {kind}{' (quick)' if args.quick else ''} ...", file=sys.stderr, flush=True)
                t0 = time.perf_counter()
                try:
                    url = databases.fresh(kind)
                    ctx = BenchContext(database=kind, url=url, quick=args.quick, workdir=Path(tmp), module=name,
                                       admin_url=_pg_admin_url() if kind == "postgresql" else "")
                    rows += _check(name, module.run(ctx) or [])
                    ran.add((name, kind))
                except Exception:  # noqa: BLE001 - report, go on with the other modules
                    failures.append(f"bench_{name} on {kind}")
                    traceback.print_exc()
                finally:
                    databases.drop(kind)
                print(f"  done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)

    merged = _merge(stem.with_suffix(".json"), rows, ran)
    stem.with_suffix(".json").write_text(json.dumps(merged, indent=2) + "\n")
    text = table(merged)
    stem.with_suffix(".md").write_text(
        "# Benchmark figures\n\nWritten by `python -m tests.perf.run`; ratio = cost / baseline, lower is better; "
        "met when ratio <= target.\n\n" + text + "\n")
    print(text)
    print(f"\n{len(rows)} figures in {time.perf_counter() - started:.0f} s -> {stem.with_suffix('.json')}")
    missed = [r for r in rows if r["ratio"] > r["target_ratio"]]
    if missed:
        print(f"{len(missed)} figure(s) above target: " + ", ".join(f"{r['name']} ({r['database']})" for r in missed))
    if failures:
        print("failed: " + ", ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
