"""The engine wall: the only package that imports SpiffWorkflow.

Parse and version process bundles (`specs`), run workflows in a sandbox (`runtime`),
and report human tasks, timers, messages and outcomes in the application's words.
Stored states are written and read by `serialization`; every use of a library internal
(a private attribute, a module global, an error text) is a function of `internals`.
"""
from .runtime import (  # noqa: F401
    Engine,
    EngineIncident,
    HumanTask,
    PendingTimer,
    TaskNotReady,
    UnexpectedMessage,
    UnreadableState,
    WorkflowRun,
)
from .specs import Bundle, Library, ModelError, ParsedModel, SpecCache, parse_bundle  # noqa: F401
