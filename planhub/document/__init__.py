"""The document model: a plan's Markdown as sections, and everything done to text alone —
splitting at headings and joining back byte for byte, rendering and sanitizing, placeholders,
task lists, three-way merge and diff, generated blocks, checks on imported files.

Plain Python: nothing here imports Django or the rest of PlanHub (an import-linter contract
in pyproject.toml holds it to that), so every app may use it and its tests need no database.
"""
