"""The migration history stays one line: a second head means two branches nobody merged."""
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def test_migration_history_has_one_head():
    """`flask db upgrade` (without `heads`) must reach the whole schema."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {sorted(heads)}"
