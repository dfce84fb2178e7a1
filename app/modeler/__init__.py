"""Process analysts' tools: diagram layout, validation, versions."""
