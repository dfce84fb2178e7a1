"""The long-running scheduler starts once per process."""
from __future__ import annotations

import pytest

from workers import scheduler


def test_a_second_scheduler_loop_in_one_process_is_refused(app):
    scheduler._claim_process()  # as a running loop holds it
    try:
        with pytest.raises(scheduler.AlreadyRunning):
            scheduler.run_forever(app)
    finally:
        scheduler._release_process()
