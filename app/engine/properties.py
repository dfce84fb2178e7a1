"""Names of the extension properties a model may use (documented in docs/MODELS.md).

Process level (``bpmn:process/bpmn:extensionElements/spiffworkflow:properties``) and
element level (user tasks, end events, throw events) properties are read from the XML by
`app.engine.specs`; nothing else in the application spells these strings.
"""

# process level
SERVICE_CATEGORY = "serviceCategory"          # perizinan | non_perizinan
SOP_WORKING_DAYS = "sopWorkingDays"           # the service standard, in working days
REGISTRATION_PREFIX = "registrationPrefix"    # e.g. SIPA -> SIPA-2026-000123
APPLICATION_FORM_SCHEMA = "applicationFormSchema"
APPLICATION_FORM_UI_SCHEMA = "applicationFormUiSchema"
REQUIREMENTS_FILE = "requirementsFile"
FEE_KIND = "feeKind"                          # free | fixed | computed
FEE_AMOUNT = "feeAmount"                      # with feeKind=fixed
FEE_DECISION = "feeDecision"                  # DMN decision id, with feeKind=computed
AGENCY_TIME_PAUSES = "agencyTimePauses"       # true: time waiting on another agency pauses the SOP clock
PERMIT_VALIDITY_YEARS = "permitValidityYears"
SHARED = "shared"                             # true: a call activity, not a service of its own
SERVICE_STANDARD_FILE = "serviceStandardFile"  # JSON service standard: product, procedure, legal basis (forms/)
CATALOG_VISIBLE = "catalogVisible"            # false: offered, but not listed in the applicants' catalog
TRANSLATIONS_FILE = "translations"            # forms/ file {"x-translations": {"en": {...}}} of the BPMN's texts

# element level
FORM_SCHEMA = "formJsonSchemaFilename"
FORM_UI_SCHEMA = "formUiSchemaFilename"
SLA_WORKING_DAYS = "slaWorkingDays"
CASE_STATUS = "caseStatus"
PRIORITY = "priority"
NOTIFY = "notify"
HOST_ACTION = "hostAction"                    # ask the host to act (e.g. issue_bill), in the same transaction

# SLA (process level, or user task level where it overrides the process; docs/SLA.md)
ESCALATION_LADDER = "escalationLadder"        # "75:reminder,100:breach,150:escalate" (percent of the task's SLA)
ESCALATION_REASSIGN = "escalationReassign"    # true: the escalate rung gives a claimed task back to its group
LAPSE_ACTION = "lapseAction"                  # process: flag (default) | auto_approve (fiktif positif)

PROCESS_FORM_PROPERTIES = (APPLICATION_FORM_SCHEMA, APPLICATION_FORM_UI_SCHEMA, REQUIREMENTS_FILE,
                           SERVICE_STANDARD_FILE, TRANSLATIONS_FILE)
ELEMENT_FORM_PROPERTIES = (FORM_SCHEMA, FORM_UI_SCHEMA)

CASE_STATUSES = ("draft", "submitted", "in_review", "waiting_applicant", "waiting_agency",
                 "waiting_payment", "approved", "issued", "rejected", "withdrawn", "expired", "incident")
FINAL_STATUSES = ("issued", "rejected", "withdrawn", "expired")


def truthy(value: str | None) -> bool:
    """Read a boolean property ("true", "1", "ya")."""
    return (value or "").strip().lower() in ("true", "1", "yes", "ya")
