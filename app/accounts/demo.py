"""Demo accounts for local demonstrations (password Demo#2026; never use in production)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db

from . import service
from .models import User

DEMO_PASSWORD = "Demo#2026"
DEMO_ACCOUNTS = (
    ("pemohon@demo.local", "Siti Rahmawati", ("applicant",), (), {"nik": "3604014101900001", "phone": "081234567890"}),
    ("loket@demo.local", "Andi Verifikator", ("officer",), ("verifikator",), {"nip": "198501012010011001"}),
    ("teknis.dinkes@demo.local", "dr. Rina Dinkes", ("officer",), ("teknis_dinkes",), {"nip": "198602022011012002"}),
    ("teknis.pupr@demo.local", "Ir. Bambang PUPR", ("officer",), ("teknis_pupr",), {"nip": "198703032012011003"}),
    ("teknis.dishub@demo.local", "Hendra Dishub", ("officer",), ("teknis_dishub",), {"nip": "198909092014011009"}),
    ("kabid@demo.local", "Dewi Kabid Perizinan", ("officer",), ("kabid",), {"nip": "197504042000032004"}),
    ("kadis@demo.local", "H. Ahmad Kepala Dinas", ("officer",), ("penandatangan",), {"nip": "196805051995031005"}),
    ("supervisor@demo.local", "Yusuf Supervisor", ("supervisor",), (), {"nip": "198006062005011006"}),
    ("analis@demo.local", "Maya Analis Proses", ("analyst",), (), {"nip": "199007072015012007"}),
    ("pengaduan@demo.local", "Rudi Pengaduan", ("officer",), ("pengaduan",), {"nip": "198808082013011008"}),
    ("admin@demo.local", "Admin SatuPintu", ("admin",), (), {}),
)


def seed(*, if_empty: bool = False) -> int:
    """Create missing demo accounts; returns how many were created."""
    if if_empty and (db.session.scalar(select(func.count()).select_from(User)) or 0) > 0:
        return 0
    created = 0
    for email, name, roles, groups, extra in DEMO_ACCOUNTS:
        if service.get_by_email(email) is not None:
            continue
        service.create_user(email=email, name=name, password=DEMO_PASSWORD, roles=roles, groups=groups,
                            verified=True, **extra)
        created += 1
    for key in service.GROUP_NAMES:
        service.ensure_group(key)
    return created
