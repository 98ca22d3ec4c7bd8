"""Run docmgr as ``python -m docmgr``."""

from docmgr.cli import main

main()
