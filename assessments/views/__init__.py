"""Views of the assessments app, by audience: office pages, review, windows and audit."""
