"""Receivers: a change that reaches a section without its draft is merged into the draft."""
