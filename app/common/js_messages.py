"""Every message the browser scripts (app/static/js) show, keyed for `spText(key, params)` (static/js/messages.js).

base.html writes the messages of the scripts a page loads, translated into the page's language, into the page as
JSON; the scripts hold keys only. Values are the Indonesian sources, marked for extraction; `%(name)s`
placeholders are filled in by the script. tests/common/test_js_messages.py keeps this list and the scripts in step.
"""
from __future__ import annotations

import re

from app.common.i18n import N_, translate

# The key groups (the part of a key before the dot) each script speaks with; a page gets the groups of its scripts.
SCRIPT_GROUPS: dict[str, tuple[str, ...]] = {
    "autosave.js": ("autosave",),
    "bpmn-diagrams.js": ("diagram",),
    "bpmn-viewer.js": ("diagram",),
    "dashboard.js": ("charts",),
    "dashboard-heatmap.js": ("heatmap",),
    "modeler.js": ("modeler",),
    "modeler-props.js": ("props",),
    "modeler-tests.js": ("tests",),
}
# A script named in a page: `/static/js/modeler.<digest>.js` (app/common/assets.py) or the plain name.
SCRIPT_URL = re.compile(r"/js/([\w-]+)\.(?:[0-9a-f]{12}\.)?js\b")

MESSAGES: dict[str, str] = {
    # autosave.js: the applicant's draft form
    "autosave.saved": N_("Draf tersimpan otomatis."),
    "autosave.not_saved": N_("Draf belum tersimpan; simpan untuk melihat pesannya."),
    "autosave.offline": N_("Belum tersimpan: koneksi terputus. Akan dicoba lagi."),
    # dashboard.js: the supervisors' and the public charts
    "charts.unreadable": N_("Data grafik tidak terbaca."),
    "charts.library_missing": N_("Pustaka grafik belum terpasang (jalankan make assets)."),
    "charts.no_data": N_("Belum ada data pada periode ini."),
    # bpmn-diagrams.js, bpmn-viewer.js: process diagrams
    "diagram.case_label": N_("Diagram proses %(title)s"),
    "diagram.load_failed": N_("Diagram tidak dapat dimuat."),
    "diagram.draw_failed": N_("Diagram tidak dapat ditampilkan."),
    "diagram.viewer_missing": N_("Penampil diagram belum terpasang (jalankan make assets)."),
    # dashboard-heatmap.js: the process heatmap ("hk": hari kerja, working days)
    "heatmap.diagram_label": N_("Peta panas %(title)s"),
    "heatmap.load_failed": N_("Data peta panas tidak dapat dimuat."),
    "heatmap.no_data": N_("belum ada data"),
    "heatmap.durations": N_("⌀ %(avg)s · p90 %(p90)s hk"),
    "heatmap.late": N_("n=%(count)s · %(rate)s terlambat"),
    "heatmap.with_sla": N_("%(name)s (SLA %(days)s hari kerja)"),
    # modeler.js: the analysts' browser modeler
    "modeler.kind_bpmn": N_("Proses (BPMN)"),
    "modeler.kind_dmn": N_("Tabel keputusan (DMN)"),
    "modeler.kind_forms": N_("Formulir"),
    "modeler.main_file": N_("%(name)s (layanan ini)"),
    "modeler.dmn_unavailable": N_("editor tabel keputusan tidak dapat dimuat"),
    "modeler.open_failed": N_("Berkas tidak dapat dibuka: %(error)s"),
    "modeler.json_invalid": N_("JSON tidak sah: %(error)s"),
    "modeler.preview_unavailable": N_("Pratinjau tersedia untuk berkas *.schema.json dan *.uischema.json."),
    "modeler.preview_failed": N_("Pratinjau gagal."),
    "modeler.at_line": N_("baris %(line)s"),
    "modeler.unknown_answer": N_("Jawaban server tidak dikenal."),
    "modeler.validating": N_("Memeriksa…"),
    "modeler.valid": N_("Model sah: siap disimpan."),
    "modeler.invalid": N_("Model belum sah."),
    "modeler.comment_needed": N_("Tuliskan komentar perubahan terlebih dahulu."),
    "modeler.saving": N_("Menyimpan…"),
    "modeler.saved": N_("Versi %(version)s disimpan."),
    "modeler.unchanged": N_("Tidak ada perubahan: isi sama dengan versi %(version)s."),
    "modeler.request_deploy_hint": N_(
        "Minta aktivasi agar dipakai permohonan baru (perlu persetujuan analis atau admin lain)."),
    "modeler.request_deploy_button": N_("Minta aktivasi versi %(version)s"),
    "modeler.not_saved": N_("Tidak disimpan: model belum sah."),
    "modeler.deploy_requested": N_(
        "Permintaan aktivasi versi %(version)s dikirim: versi itu aktif untuk permohonan baru setelah disetujui "
        "analis atau admin lain (Daftar model · Menunggu persetujuan)."),
    "modeler.deploy_request_failed": N_("Gagal meminta aktivasi: %(error)s"),
    "modeler.layout_failed": N_("Tata letak otomatis gagal."),
    "modeler.layout_done": N_("Diagram disusun ulang."),
    "modeler.new_form_prompt": N_("Nama berkas formulir baru (misalnya izin_x.schema.json):"),
    "modeler.new_form_bad_name": N_("Nama berkas harus diakhiri .json tanpa spasi."),
    "modeler.new_form_title": N_("Formulir baru"),
    "modeler.load_failed": N_("Model tidak dapat dimuat."),
    # modeler-props.js: the side form of the modeler (the properties SatuPintu reads)
    "props.not_set": N_("(tidak diisi)"),
    "props.process_title": N_("Proses: %(name)s"),
    "props.name": N_("Nama"),
    "props.lane": N_("Kelompok penerima (nama lajur)"),
    "props.task_form": N_("Formulir (JSON Schema)"),
    "props.task_ui_schema": N_("UI schema formulir"),
    "props.sla_days": N_("SLA (hari kerja)"),
    "props.task_case_status": N_("Status permohonan selama di langkah ini"),
    "props.priority": N_("Prioritas"),
    "props.host_action": N_("Aksi sistem (hostAction)"),
    "props.event_case_status": N_("Status permohonan"),
    "props.notify": N_("Kirim notifikasi (templat)"),
    "props.category": N_("Kategori"),
    "props.sop_days": N_("SOP (hari kerja)"),
    "props.agency_pauses": N_("Waktu tunggu instansi teknis menghentikan jam SOP"),
    "props.registration_prefix": N_("Awalan nomor registrasi"),
    "props.fee_kind": N_("Jenis biaya"),
    "props.fee_amount": N_("Biaya tetap (Rp)"),
    "props.fee_decision": N_("Tabel keputusan biaya (id DMN)"),
    "props.validity_years": N_("Masa berlaku izin (tahun)"),
    "props.application_form": N_("Formulir permohonan"),
    "props.application_ui_schema": N_("UI schema permohonan"),
    "props.requirements": N_("Daftar persyaratan"),
    "props.shared": N_("Proses bersama (call activity)"),
    "props.instructions": N_("Instruksi untuk petugas/pemohon"),
    "props.script": N_("Skrip (Python terbatas)"),
    "props.pre_script": N_("Skrip sebelum (preScript)"),
    "props.post_script": N_("Skrip sesudah (postScript)"),
    "props.called_decision": N_("Tabel keputusan (id DMN)"),
    "props.called_element": N_("Proses yang dipanggil"),
    "props.condition": N_("Kondisi (ekspresi Python terbatas)"),
    "props.timer": N_('Timer (%(kind)s, ekspresi; contoh "P14D")'),
    # modeler-tests.js: test runs of a model
    "tests.scenario_invalid": N_("JSON skenario tidak sah: %(error)s"),
    "tests.passed": N_("lulus"),  # shown in capitals (modeler-tests.js), as on the page's report
    "tests.failed": N_("gagal"),
    "tests.summary": N_("%(verdict)s · v%(version)s · status %(status)s · hasil akhir %(outcome)s"),
    "tests.not_finished": N_("(belum selesai)"),
    "tests.steps": N_("Langkah"),
    "tests.step_task": N_("Tugas %(name)s [%(id)s, %(lane)s]"),
    "tests.step_timer": N_("Timer %(name)s"),
    "tests.step_message": N_("Pesan %(name)s"),
    "tests.path": N_("Jalur yang dilalui"),
    "tests.waiting": N_("Masih menunggu"),
    "tests.waiting_task": N_("%(name)s [%(id)s] di lajur %(lane)s"),
    "tests.waiting_timer": N_("Timer %(name)s pada %(due)s"),
    "tests.running": N_("Menjalankan…"),
    "tests.failed_request": N_("Gagal: %(error)s"),
    "tests.saved": N_('Tes "%(name)s" disimpan. Muat ulang halaman untuk melihatnya.'),
}


def groups_of(page: str) -> set[str]:
    """The key groups of the scripts a rendered page (or piece of one) loads or names for loading later."""
    return {group for name in SCRIPT_URL.findall(page) for group in SCRIPT_GROUPS.get(name + ".js", ())}


def catalog(groups: set[str] | None = None) -> dict[str, str]:
    """The messages (of the given key groups; all by default) in the page's language.

    `%(name)s` placeholders are left for the script.
    """
    return {key: translate(source) for key, source in MESSAGES.items()
            if groups is None or key.split(".", 1)[0] in groups}
