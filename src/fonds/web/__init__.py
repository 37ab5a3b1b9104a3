"""The reading room: web pages and their JSON twins (see app.py)."""
