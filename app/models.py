"""Imports every model so the metadata (and Alembic) sees all tables."""
from app.accounts.models import ApiToken, Group, User, UserRole, user_groups  # noqa: F401
from app.cases.models import Case, CaseEvent, Counter, Document  # noqa: F401
from app.catalog.models import ProcessVersion, Service  # noqa: F401
from app.common.health import SchedulerState  # noqa: F401
from app.common.transaction import IdempotencyKey  # noqa: F401
from app.inbox.models import Task  # noqa: F401
from app.notifications.models import Notification  # noqa: F401
from app.permits.models import Permit  # noqa: F401
from app.sla.models import Holiday  # noqa: F401
