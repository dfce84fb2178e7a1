"""A file attached to a step's form is stored as a document of the case, checked by content."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from tests.inbox.support import make_case, make_task
from tests.support.api import MINIMAL_PDF


def test_a_step_attachment_becomes_a_document_of_the_case_linked_to_the_task(ctx):
    from app.accounts import service as accounts
    from app.cases import service as cases
    from app.common.errors import UnsupportedMediaType
    from app.inbox.attachments import store_step_file

    officer = accounts.get_by_email("teknis.pupr@demo.local")
    task = make_task(make_case(), group="teknis_pupr", bpmn_id="pemeriksaan_lapangan", form=None)
    value = store_step_file(task=task, actor=officer, field_name="bap_attachment", accept=[".pdf"], max_mb=5,
                            upload=FileStorage(io.BytesIO(MINIMAL_PDF), filename="bap-045.pdf"))
    docs = cases.active_documents(task.case)
    assert value == {"document_id": docs[0].id, "filename": "bap-045.pdf"}
    assert (docs[0].task_id, docs[0].requirement, docs[0].content_type) == (task.id, "bap_attachment", "application/pdf")
    with pytest.raises(UnsupportedMediaType):
        store_step_file(task=task, actor=officer, field_name="bap_attachment", accept=[".pdf"],
                        upload=FileStorage(io.BytesIO(b"not a pdf at all"), filename="palsu.pdf"))
