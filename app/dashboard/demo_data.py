"""What the demo history is made of: people, the pace of each holder, decisions and form answers."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from app.common import clock
from app.jsonforms.validation import validate

SERVICE_WEIGHTS = (("sip_apoteker", 18), ("sip_dokter", 17), ("sip_perawat", 15), ("izin_penelitian", 18),
                   ("reklame", 14), ("pbg", 18))
# Extra officers, so breaches by officer compare people; pace > 1 works slower than the group usually does.
EXTRA_OFFICERS = (
    ("loket2@demo.local", "Budi Santoso", ("verifikator",), "198909092014021009"),
    ("teknis.dinkes2@demo.local", "drg. Lina Marlina", ("teknis_dinkes",), "198710102012012010"),
    ("teknis.dishub@demo.local", "Hendra Gunawan", ("teknis_dishub",), "198511112010011011"),
)
PACE = {"loket2@demo.local": 1.8, "teknis.dinkes2@demo.local": 1.5, "teknis.dishub@demo.local": 2.0,
        "teknis.pupr@demo.local": 1.4}
# Share of an office step that misses its deadline, per group.
LATE_SHARE = {"verifikator": 0.08, "teknis_dinkes": 0.16, "teknis_pupr": 0.25, "teknis_dishub": 0.3, "kabid": 0.06,
              "penandatangan": 0.1, "pengaduan": 0.12}
APPLICANTS = (
    ("pemohon01@demo.local", "Ahmad Fauzi", "3604011203880001"), ("pemohon02@demo.local", "Rina Wulandari",
                                                                   "3604015507910002"),
    ("pemohon03@demo.local", "Dedi Kurniawan", "3604012109850003"), ("pemohon04@demo.local", "Maria Ulfa",
                                                                     "3604014402930004"),
    ("pemohon05@demo.local", "Yoga Pratama", "3604010101900005"), ("pemohon06@demo.local", "Sri Handayani",
                                                                   "3604016612870006"),
    ("pemohon07@demo.local", "CV Maju Jaya (Agus Salim)", "3604010708820007"),
    ("pemohon08@demo.local", "PT Sinar Terang (Wati Susanti)", "3604015003860008"),
)
COMPLAINTS = (
    ("Permohonan belum selesai", "Permohonan saya sudah lebih dari seminggu belum ada kabar."),
    ("Petugas loket kurang ramah", "Saat berkonsultasi di loket saya merasa kurang dilayani dengan baik."),
    ("Persyaratan tidak jelas", "Daftar persyaratan di situs berbeda dengan yang diminta petugas."),
    ("Tagihan retribusi", "Kode billing retribusi tidak dapat dibayar melalui bank."),
    ("Jadwal pemeriksaan lapangan", "Tim teknis belum datang pada jadwal pemeriksaan yang dijanjikan."),
)
# Numeric application fields varied between cases (within the forms' own limits: checked before use).
VARIED = {"luas_bangunan": (60, 900), "lebar_m": (2, 8), "tinggi_m": (1, 5), "durasi_bulan": (1, 12),
          "jumlah_lantai": (1, 4)}
REVISION_NOTE = "Mohon unggah ulang dokumen yang ditandai; pindaian tidak terbaca."


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    """A weighted random choice."""
    total = sum(w for _, w in weighted)
    mark = rng.uniform(0, total)
    for value, weight in weighted:
        mark -= weight
        if mark <= 0:
            return value
    return weighted[-1][0]


def examples(schema: dict) -> dict:
    """A form answer made of each field's first example (or first choice)."""
    data = {}
    for key, prop in schema.get("properties", {}).items():
        if prop.get("examples"):
            data[key] = prop["examples"][0]
        elif prop.get("oneOf"):
            data[key] = prop["oneOf"][0]["const"]
        elif prop.get("enum"):
            data[key] = prop["enum"][0]
    return data


def application(schema: dict, applicant_name: str, rng: random.Random) -> dict:
    """An application for the form: its examples, the applicant's name, some numbers varied."""
    base = examples(schema)
    varied = dict(base)
    if "nama_lengkap" in varied:
        varied["nama_lengkap"] = applicant_name
    for key, (low, high) in VARIED.items():
        if key in varied:
            kind = schema["properties"][key].get("type")
            varied[key] = rng.randint(low, high) if kind == "integer" else round(rng.uniform(low, high), 1)
    return varied if not validate(schema, varied, prefix="data") else base


def step_duration(rng: random.Random, *, group: str, officer_email: str | None, available: float | None) -> float:
    """Working days a step takes: mostly within the time its deadline leaves, sometimes late."""
    if group == "pemohon" or available is None:
        return rng.uniform(0.3, 5.0)
    late = LATE_SHARE.get(group, 0.1) * PACE.get(officer_email or "", 1.0)
    if rng.random() < late:
        return available + rng.uniform(0.1, max(available, 1.0) * 1.5)
    return available * rng.uniform(0.1, 0.95) ** (1 / PACE.get(officer_email or "", 1.0))


def answer(form: str | None, *, rng: random.Random, case, documents: list[str], round_no: int,
           moment: datetime) -> dict:
    """The data an officer (or the applicant) fills in a step's form, with a realistic decision."""
    name = (form or "").removesuffix(".schema.json")
    if name == "verifikasi_berkas":
        outcome = pick(rng, (("complete", 76), ("revision", 20), ("reject", 4)) if round_no == 0
                       else (("complete", 92), ("revision", 4), ("reject", 4)))
        verdicts = {key: {"verdict": "ok"} for key in documents}
        if outcome != "complete" and documents:
            flagged = rng.choice(documents)
            verdicts[flagged] = {"verdict": "revise" if outcome == "revision" else "reject", "note": REVISION_NOTE}
        data = {"verification_outcome": outcome, "document_verdicts": verdicts}
        if outcome != "complete":
            data["verification_note"] = REVISION_NOTE if outcome == "revision" else "Dokumen tidak sah."
        return data
    if name == "perbaikan_berkas":
        return {"application": case.data, "response_note": "Dokumen yang diminta sudah diunggah ulang."}
    if name == "rekomendasi_teknis":
        choice = pick(rng, (("recommend", 85), ("recommend_with_conditions", 10), ("not_recommend", 5)))
        data = {"recommendation": choice, "recommendation_note": "Hasil pemeriksaan teknis terlampir."}
        if choice == "recommend_with_conditions":
            data["recommendation_conditions"] = "Memenuhi standar sarana dalam 30 hari sejak izin terbit."
        return data
    if name == "jadwal_pemeriksaan":
        day = (moment.astimezone(clock.JAKARTA) + timedelta(days=3)).date().isoformat()
        return {"inspection_date": day, "inspection_time": "09:00", "inspection_team": ["Tim Teknis PUPR"]}
    if name == "berita_acara_pemeriksaan":
        result = pick(rng, (("compliant", 82), ("compliant_with_conditions", 12), ("non_compliant", 6)))
        data = {"bap_number": f"600.1.15/BAP-{case.id:04d}/DPUPR/{moment.year}",
                "inspection_date": moment.astimezone(clock.JAKARTA).date().isoformat(),
                "applicant_present": True, "site_findings": "Lokasi sesuai dokumen.", "inspection_result": result}
        if result == "compliant_with_conditions":
            data["inspection_conditions"] = "Sumur resapan wajib dibangun."
        if result == "non_compliant":
            data["rejection_reason"] = "Bangunan melanggar garis sempadan."
        return data
    if name == "persetujuan":
        decision = pick(rng, (("approve", 97), ("reject", 3)))
        return {"approval_decision": decision, "approval_note": "Sesuai rekomendasi teknis."}
    if name == "penandatanganan":
        decision = pick(rng, (("sign", 96), ("return", 4)))
        return {"signing_decision": decision, **({"signing_note": "Periksa kembali nomor."}
                                                  if decision == "return" else {})}
    if name == "triase_pengaduan":
        decision = pick(rng, (("forward", 45), ("answer_directly", 45), ("reject", 10)))
        data = {"complaint_type": "pengaduan", "complaint_category": rng.choice(("waktu", "persyaratan", "perilaku")),
                "triage_decision": decision}
        if decision == "forward":
            data |= {"forward_to": rng.choice(("verifikator", "teknis_dinkes", "teknis_pupr", "teknis_dishub")),
                     "triage_note": "Mohon ditindaklanjuti."}
        if decision == "reject":
            data["public_response"] = "Mohon maaf, laporan tidak memuat informasi yang cukup untuk ditindaklanjuti."
        return data
    if name == "tindak_lanjut_pengaduan":
        return {"followup_action": "Sudah ditindaklanjuti bersama pemohon.", "followup_status": "resolved"}
    if name == "jawaban_pengaduan":
        return {"public_response": "Terima kasih atas laporan Anda; hal tersebut telah kami tindak lanjuti.",
                "publish": True}
    return {}


def survey_scores(rng: random.Random, *, late: bool) -> dict:
    """Nine IKM scores (1-4), a little lower when the case ran late."""
    mood = rng.gauss(3.35 - (0.45 if late else 0.0), 0.35)
    return {f"u{i}": max(1, min(4, round(rng.gauss(mood, 0.45)))) for i in range(1, 10)}
