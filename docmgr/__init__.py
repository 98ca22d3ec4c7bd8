"""docmgr: ticket workspaces, tasks, changelogs and implementation diaries kept in the repo."""

__version__ = "0.1.0"
