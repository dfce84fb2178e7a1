"""Indexes the dashboard's period queries read through (on other domains' tables; migration 0011).

Reports filter cases by when they were submitted or finished, tasks by when they were due or
completed, and survey responses by when they were given; without these, every report over a
few years of cases would scan whole tables.
"""
from sqlalchemy import Index

from app.cases.models import Case
from app.inbox.models import Task
from app.surveys.models import SurveyResponse

DASHBOARD_INDEXES = (
    Index("ix_cases_submitted_at", Case.submitted_at),
    Index("ix_cases_completed_at", Case.completed_at),
    Index("ix_tasks_due_at", Task.due_at),
    Index("ix_tasks_completed_at", Task.completed_at),
    Index("ix_survey_responses_created_at", SurveyResponse.created_at),
)
