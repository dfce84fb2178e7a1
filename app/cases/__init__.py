"""Cases (permohonan): drafts, documents, submission, audit trail."""
