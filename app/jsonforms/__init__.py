"""JSON Schema forms (from forms/): server-side validation and rendering."""
