"""Model code in worker processes: microseconds per script, expression and template through the pool vs in process.

Model scripts, non-trivial expressions and instruction templates run in a warm pool of worker processes under
OS limits (app/engine/isolation.py); the baseline is the former in-process sandbox (`InProcessSandboxEnvironment`,
a trace function as time limit), which a script can switch off. Each figure is the median per-call cost of the
environment call the engine makes (`execute`, `evaluate`, the instructions render), on task data of the size a
PBG case carries. Simple expressions (comparisons of names and constants: most gateway conditions and DMN input
entries) stay in process and are measured too. The pool is warmed first, so no figure includes a worker start;
the cost of a start, paid once per worker and after each killed one, is logged.
"""
from __future__ import annotations

import time

SCRIPT = ('bill_valid_days = 14\nbill_reminder_days = 3\npayment_outcome = "pending"\n'
          'fee_amount = int(fee_amount)\nif fee_amount <= 0:\n    raise ValueError("fee_amount harus lebih dari nol")')
EXPRESSION = 'int(round(application["luas_bangunan"] * 9900))'
SIMPLE = 'verification_outcome == "complete"'
TEMPLATE = ("Berkas permohonan PBG {{ case.registration_number }} atas nama {{ applicant.name }} telah lengkap. "
            "Lokasi {{ application.alamat_lokasi }} ({{ application.fungsi_bangunan }}, "
            "{{ application.jumlah_lantai }} lantai, {{ application.luas_bangunan }} m²).")
# Targets: a pipe round trip and two JSON encodings per call, against a bare exec/eval of microseconds.
TARGETS = {"script": 40.0, "expression": 60.0, "simple_expression": 1.5, "instructions": 10.0}


def _data() -> dict:
    application = {"alamat_lokasi": "Jl. Merdeka No. 1", "fungsi_bangunan": "hunian", "jumlah_lantai": 2,
                   "luas_bangunan": 120.5, "nama_pemilik": "Budi", "nib": "1234567890123",
                   "catatan": "x" * 500, "koordinat": {"lat": -6.2, "lng": 106.8}}
    verdicts = {f"dok_{i}": {"verdict": "ok", "note": ""} for i in range(8)}
    return {"application": application, "document_verdicts": verdicts, "fee_amount": 1193, "verification_outcome":
            "complete", "verification_note": "Lengkap.", "case": {"registration_number": "PBG-2026-000123"},
            "applicant": {"name": "Budi Santoso"}}


def _per_call_us(fn, n: int) -> float:
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1e6)
    samples.sort()
    return samples[len(samples) // 2]


def run(ctx) -> list[dict]:
    """Median µs per call of each kind of model code, through the pool and in process."""
    from app.engine import isolation
    from app.engine.runtime import (
        InProcessSandboxEnvironment,
        SandboxEnvironment,
        WorkflowRun,
        _instructions_template,
    )

    n = 300 if ctx.quick else 2000
    limits = isolation.Limits(seconds=1.0)
    pooled = SandboxEnvironment({}, 1.0, limits)
    in_process = InProcessSandboxEnvironment({}, 1.0)
    data = _data()

    t0 = time.perf_counter()
    probe = isolation.WorkerPool(1)
    probe.run({"op": "eval", "src": "1", "ctx": {}, "ext": {}}, limits=limits)
    ctx.log(f"worker start: {(time.perf_counter() - t0) * 1000:.0f} ms (once per worker)")
    probe.close()

    def pooled_render():
        return WorkflowRun._render_instructions(TEMPLATE, data, limits=limits)

    def in_process_render():
        return _instructions_template(TEMPLATE).render(**data)

    kinds = {
        "script": (lambda: pooled.execute(SCRIPT, dict(data)), lambda: in_process.execute(SCRIPT, dict(data))),
        "expression": (lambda: pooled.evaluate(EXPRESSION, data), lambda: in_process.evaluate(EXPRESSION, data)),
        "simple_expression": (lambda: pooled.evaluate(SIMPLE, data), lambda: in_process.evaluate(SIMPLE, data)),
        "instructions": (pooled_render, in_process_render),
    }
    rows = []
    for name, (through_pool, baseline) in kinds.items():
        for fn in (through_pool, baseline):
            _per_call_us(fn, 20)  # warm caches and the pool's worker
        value, base = _per_call_us(through_pool, n), _per_call_us(baseline, n)
        ctx.log(f"{name}: {value:.1f} µs through the pool, {base:.1f} µs in process")
        rows.append(ctx.result(f"sandbox_{name}_call", value, unit="µs", baseline=base,
                               target_ratio=TARGETS[name]))
    return rows
