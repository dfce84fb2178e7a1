"""Write the upgrade gate's stored states: every shipped service at every wait point its normal paths reach.

Run from the repository root:

    .venv/bin/python -m tests.engine.make_state_fixtures              # services whose current version has none
    .venv/bin/python -m tests.engine.make_state_fixtures pbg --force  # rewrite one service's, same library

For each service (`Library.services()` of processes/ and forms/) it starts a case with the form's example data
on the engine alone and explores, breadth first, every answer to every ready task (`state_walk.CHOICES`),
every awaited message and every pending timer. Each distinct wait point (the ready human tasks and the waiting
timers and messages) is stored once, as first reached, in

    tests/engine/fixtures/states/<service>/<first 12 of the version's content hash>/
        bundle.json                               the version's files, as its process version row keeps them
        <SpiffWorkflow version>/<NN>-<wait>.json  one wait point

A wait point's file holds the state exactly as `WorkflowRun.serialize` wrote it (the string a case row stores),
the moment it was saved, how it was reached, and its continuations: from each thing that may happen next, the
way forward to an end event, every action recorded with its data and moment, and the outcome it reached.
`test_upgrade_gate.py` restores every state with the current engine and replays every continuation.

When to run it:
- a shipped model or form changed, or a service was added: the new version gets its own folder next to the old
  ones, which stay (running cases keep their version; a version's folder may go once no case runs on it).
  The gate fails while a current version has none.
- never to make a failing gate pass after upgrading SpiffWorkflow: the stored states are what the previous
  library wrote, and restoring them is the point. Fix `app/engine` (internals.py, serialization.py) until the
  gate passes; then run this to add the states the new library writes (kept in their own folder, the old ones
  stay).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections import deque
from pathlib import Path

from app.common import clock
from app.engine import Library
from tests.engine import state_walk as walk

ROOT = Path(__file__).resolve().parents[2]


def _slug(signature: tuple) -> str:
    names = [bpmn_id for _, _, bpmn_id in signature]
    slug = re.sub(r"[^a-z0-9_+]+", "-", "+".join(names).lower())
    return slug[:90] or "waiting"


def _brief(action: dict) -> dict:
    """An action as a line of the path that reached a wait point (data left out: the state holds it)."""
    return {k: v for k, v in action.items() if k not in ("data", "payload")}


def explore(service: str, library: Library) -> tuple[walk.Bundle, list[dict]]:
    """Every wait point of a service's current version, with its continuations."""
    bundle = library.bundle(service)
    model = walk.parsed(bundle)
    engine = walk.engine()
    first = engine.create(model, walk.initial_data(model))
    with clock.frozen_at(walk.START):
        first.run()
    queue = deque([(first.serialize(), walk.START, [])])
    seen: set[tuple] = set()
    points: list[dict] = []
    while queue:
        state, moment, path = queue.popleft()
        run = engine.load(model, state)
        point = walk.signature(run)
        if run.completed or point in seen:
            continue
        seen.add(point)
        continuations = []
        for option in walk.options(run, moment):
            branch = engine.load(model, state)
            at = walk.apply(branch, option, moment)
            taken = {**option, "at": at.isoformat()}
            rest: list[dict] = []
            if not branch.completed:
                queue.append((branch.serialize(), at, [*path, taken]))
                rest = walk.walk_to_end(branch, at)
            continuations.append({"actions": [taken, *rest], "outcome": branch.outcome(),
                                  "ends": sorted(set(branch.log.reached_ends))})
        points.append({
            "service": service,
            "version": bundle.content_hash,
            "library": f"SpiffWorkflow {walk.library_version()}",
            "wait_point": [list(item) for item in point],
            "saved_at": moment.isoformat(),
            "reached_by": [_brief(a) for a in path],
            "state": state,
            "continuations": continuations,
        })
    return bundle, points


def write(bundle: walk.Bundle, points: list[dict]) -> Path:
    """The version's bundle and wait points under fixtures/states/ (the library's folder replaced)."""
    version = walk.version_dir(bundle)
    version.mkdir(parents=True, exist_ok=True)
    (version / "bundle.json").write_text(json.dumps(
        {"process_id": bundle.process_id, "content_hash": bundle.content_hash, "files": bundle.files},
        ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    folder = version / walk.library_version()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for number, point in enumerate(points, 1):
        signature = tuple(tuple(item) for item in point["wait_point"])
        (folder / f"{number:02d}-{_slug(signature)}.json").write_text(
            json.dumps(point, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("services", nargs="*", help="service keys (default: every shipped service)")
    parser.add_argument("--force", action="store_true",
                        help="rewrite the states this library wrote for the current versions")
    args = parser.parse_args(argv)
    library = Library.from_dirs(ROOT / "processes", ROOT / "forms")
    services = args.services or library.services()
    with walk.office_calendar():
        for service in services:
            target = walk.version_dir(library.bundle(service)) / walk.library_version()
            if target.exists() and not args.force:
                print(f"{service}: {target.relative_to(ROOT)} exists (use --force to rewrite)")
                continue
            bundle, points = explore(service, library)
            folder = write(bundle, points)
            paths = sum(len(p["continuations"]) for p in points)
            print(f"{service}: {len(points)} wait points, {paths} continuations -> {folder.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
