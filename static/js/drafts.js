// Autosaved drafts of open section editors (see issue #5).
