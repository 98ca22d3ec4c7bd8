"""A small synthetic workspace with the quirks of real ones written by the Go docmgr.

The corpus tests used to need the Go tool's own workspace (``../shared/corpus``), which a
fresh clone does not have. ``build(root)`` writes this stand-in instead: every document is a
string literal below, a few lines long, each one there for a quirk some test relies on:

- layouts: ``YYYY/MM/DD/<ID>--slug/``; dash-less ``YYYY/MM/DD/<ID>-slug/``; flat tickets
  directly under the root; a ``YYYY-MM-DD/`` date folder; an ``index.md`` sitting in a
  date folder with a second ticket nested inside it; a ticket folder without ``index.md``;
  documents outside any ticket; an id that itself contains ``--``; two index docs with the
  same ticket id; ``_templates/``, ``_guidelines/`` and ``.meta/`` (never read);
- headers: older key orders, lower-case keys, unknown keys, 2- and 4-space list indents,
  flow lists, single/double quoted and block (``|``, ``|-``, ``>``) values, values that only
  parse after docmgr's auto-quoting (``Title: Phase 1: Overview``, `` #``, a backtick),
  ``LastUpdated`` as a date, a quoted stamp, nanoseconds or Go's zero time, CRLF files, a
  closing delimiter with trailing blanks;
- broken headers: no front matter at all (in control files, which is fine, and in
  documents, which is reported), an unclosed header, an empty one, a list instead of a
  mapping, YAML errors (one of them in an ``index.md``);
- RelatedFiles: ``Path``/``Note`` and lower-case ``path``/``note`` entries, bare strings,
  multi-line notes, entries without a note, a repeated entry, ``../..`` and absolute paths;
- diaries: ``## Step N:``/``- N``/``— N``/``. N`` headings, ``Step 2a``, ``Step 4-5``,
  ``### Step``, repeated and missing step numbers, step-like headings inside fences, and
  every commit-line form (``**Commit (code):** <hash> — "<subject>"``, ``**Commit**:``,
  ``- Commit:``, a ``### Commits`` list, linked hashes, ``N/A``, ``pending``, none at all).
"""

from __future__ import annotations

from pathlib import Path

# Documents written with CRLF line endings (the text below uses "\n").
CRLF = frozenset(
    {
        "2025/11/26/WG-PATH-NORMALIZE-normalize-search-paths/index.md",
        "2025/11/26/WG-PATH-NORMALIZE-normalize-search-paths/reference/01-path-rules.md",
        "2025/11/26/WG-PATH-NORMALIZE-normalize-search-paths/log/2025-11-26-path-tests.md",
    }
)

VOCABULARY = """\
topics:
    - slug: cli
      description: Command-line interface
    - slug: docs
      description: Documentation
    - slug: tooling
      description: Developer tooling
docTypes:
    - slug: index
      description: Ticket index
    - slug: design-doc
      description: Design document
    - slug: reference
      description: Reference
    - slug: playbook
      description: Playbook
    - slug: analysis
      description: Analysis notes
intent:
    - slug: long-term
      description: Kept
    - slug: short-term
      description: Temporary
status:
    - slug: active
      description: Active
    - slug: complete
      description: Done
"""

# ----------------------------------------------------------------- modern layout, one diary

GRAPH = "2026/01/03/WG-002-GRAPH--dependency-graph-export"

GRAPH_FILES = {
    f"{GRAPH}/index.md": """\
---
Title: Dependency graph export
Ticket: WG-002-GRAPH
Status: active
Topics:
    - cli
DocType: index
Intent: long-term
Owners: []
RelatedFiles:
    - Path: cmd/widgets/graph.go
      Note: Graph command entry point
ExternalSources:
    - https://mermaid.js.org/syntax/flowchart.html
Summary: "Export the ticket's dependencies as Mermaid: one node per ticket"
LastUpdated: 2026-01-03T18:04:11-05:00
WhatFor: ""
WhenToUse: ""
---

# Dependency graph export

Landing page of the ticket.
""",
    f"{GRAPH}/tasks.md": "# Tasks\n\n## TODO\n\n- [x] Scaffold the command\n- [ ] Render Mermaid\n",
    f"{GRAPH}/changelog.md": "# Changelog\n\n## 2026-01-03\n\n- Created the ticket.\n",
    f"{GRAPH}/README.md": "# Dependency graph export\n\nSee index.md.\n",
    f"{GRAPH}/reference/01-diary.md": """\
---
Title: Diary
Ticket: WG-002-GRAPH
Status: active
Topics:
    - cli
DocType: reference
Intent: long-term
Owners: []
RelatedFiles:
    - Path: cmd/widgets/graph.go
      Note: Graph command entry point
ExternalSources: []
Summary: Implementation diary for the graph export.
LastUpdated: 2026-01-03T18:04:11-05:00
WhatFor: ""
WhenToUse: ""
---

# Diary

## Goal

Record each step of the graph export work.

## Step 1: Scaffold the command

**Commit (code):** 3f2a9c1 — "graph: scaffold command"

### What I did
- Added the command and its flags.

## Step 2 - Render Mermaid

**Commit (docs):** `b7e41d0` — "docs(graph): mermaid output"

Every step follows this shape:

```markdown
## Step 7: An example heading inside a fence
**Commit (code):** 0000000 — "not a real step"
```

## Step 3: Edge cases

**Commit (code):** N/A

## Step 3: Edge cases, again (numbered twice by hand)

**Commit (code):** pending — will commit after review

## Step 4 — Wrap up

Nothing was committed yet.
""",
    f"{GRAPH}/reference/02-dependency-graph-design.md": """\
---
Title: Dependency graph design
Ticket: WG-002-GRAPH
Status: active
Topics:
    - cli
DocType: reference
Intent: long-term
Owners:
    - dana
RelatedFiles: []
ExternalSources: []
Summary: 'How nodes and edges are chosen'
LastUpdated: 2026-01-03T12:00:00Z
---

# Dependency graph design

The dependency graph has one node per ticket and one edge per RelatedFiles link.
""",
    f"{GRAPH}/design-doc/01-layout-notes.md": """\
---
Title: Layout notes
Ticket: WG-002-GRAPH
Status: active
Topics: [cli, docs]
DocType: design-doc
Intent: short-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: Left-to-right layout; clusters per status
LastUpdated: 2026-01-03T12:30:00Z
---

# Layout notes

Each graph node is a dependency of the ticket above it.
""",
}

# ---------------------------------------------------- nanosecond stamps, ../.. related paths

FACADE = "2026/03/24/WG-008-FACADE--migrate-to-facade-packages"

FACADE_FILES = {
    f"{FACADE}/index.md": """\
---
Title: Migrate to facade packages
Ticket: WG-008-FACADE
Status: active
Topics:
    - cli
    - tooling
DocType: index
Intent: long-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: ""
LastUpdated: 2026-03-24T21:55:59.020132324-04:00
WhatFor: ""
WhenToUse: ""
---

# Migrate to facade packages
""",
    f"{FACADE}/tasks.md": "# Tasks\n\n- [ ] Migrate pkg/commands\n",
    f"{FACADE}/reference/01-diary.md": """\
---
Title: Diary
Ticket: WG-008-FACADE
Status: active
Topics:
    - cli
    - tooling
DocType: reference
Intent: long-term
Owners: []
RelatedFiles:
    - Path: ../../../../../../../facade/pkg/doc/migrating-to-facade-packages.md
      Note: Reference used to derive the task breakdown
    - Path: cmd/widgets/common/common.go
      Note: |-
        First shared migration target
        Shared builder migrated to facade sections (commit 4c1d2e3f5a)
    - Path: pkg/commands/add.go
      Note: Baseline compile failure originates here
ExternalSources: []
Summary: ""
LastUpdated: 2026-03-24T21:55:59.020132324-04:00
WhatFor: ""
WhenToUse: ""
---

# Diary

## Goal

Migrate every command to the facade packages.

<!-- docmgr:steps -->
- [Step 1: Baseline](#step-1-baseline) — N/A
- [Step 2: Migrate the shared builder](#step-2-migrate-the-shared-builder) — `4c1d2e3`
<!-- /docmgr:steps -->

## Step 1: Baseline

**Commit (code):** N/A — baseline only

### What I did
- Ran the build; it fails in pkg/commands/add.go.

## Step 2: Migrate the shared builder

**Commit (code):** 4c1d2e3f5a — "Facade: migrate shared builder"

### What was tricky to build
- Keeping the short help identical.
""",
}

# ------------------------------------------------------- every commit-line form, a moved hash

WALKERS = "2025/12/13/WG-CLEANUP-WALKERS--cleanup-legacy-walkers"

WALKERS_FILES = {
    f"{WALKERS}/index.md": """\
---
Title: Clean up legacy walkers
Ticket: WG-CLEANUP-WALKERS
Status: active
Topics:
    - tooling
DocType: index
Intent: long-term
Owners:
    - dana
RelatedFiles:
    - Path: internal/workspace/query.go
      Note: Phase 1 migration to Workspace.QueryDocs (commit 5a1e7c3)
ExternalSources: []
Summary: Replace the ad-hoc walkers with Workspace.QueryDocs.
LastUpdated: 2025-12-13T09:15:00-05:00
WhatFor: ""
WhenToUse: ""
---

# Clean up legacy walkers
""",
    f"{WALKERS}/changelog.md": """\
---
Title: Changelog
Ticket: WG-CLEANUP-WALKERS
DocType: changelog
---

# Changelog

## 2025-12-13

Step 1: migrated status to Workspace.QueryDocs (commit 5a1e7c3).
""",
    f"{WALKERS}/reference/01-diary.md": """\
---
Title: Diary
Ticket: WG-CLEANUP-WALKERS
Status: active
Topics:
    - tooling
DocType: reference
Intent: long-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: Steps of the walker cleanup.
LastUpdated: 2025-12-14T10:00:00-05:00
WhatFor: ""
WhenToUse: ""
---

# Diary

## Step 1: Migrate status to QueryDocs

**Commit (code):** `5a1e7c3` — "Walkers: migrate status to QueryDocs"

## Step 2 - Remove the legacy walker

- Commit: 9d0c4b2e81 ("Walkers: delete legacy walker")

## Step 2a: Follow-up fix

**Commit**: `0f1e2d3c4b5a69788796a5b4c3d2e1f001122334`

## Step 4-5: Docs and cleanup

### Commits

- 77aa12c — Docs: explain QueryDocs
- [88bb34d](https://github.com/acme/widgets/commit/88bb34d) — "Cleanup: drop helpers"

### Step 6: Nested follow-up

**Commit (code):** N/A (not committed)
""",
    f"{WALKERS}/design/01-walker-inventory.md": """\
---
Title: Walker inventory
Ticket: WG-CLEANUP-WALKERS
Status: active
Topics:
    - tooling
DocType: design
Intent: long-term
Owners: []
RelatedFiles:
    - Path: internal/documents/walk.go
      Note: The walker being removed
ExternalSources: []
Summary: Every caller of the old walker, with its replacement.
LastUpdated: 2025-12-13T09:30:00-05:00
---

# Walker inventory
""",
}

# --------------------------------------------------- dash-less dated folder, old key orders

QW = "2025/11/18/WG-QW-quick-wins-naming-and-logging"

QW_FILES = {
    f"{QW}/index.md": """\
---
Title: 'Quick Wins: Naming and Logging'
Ticket: WG-QW
Status: complete
Topics:
    - docs
DocType: index
Intent: long-term
Owners:
    - dana
Summary: Small renames and better log lines.
LastUpdated: 2025-11-18T08:00:00-05:00
---

# Quick Wins
""",
    f"{QW}/tasks.md": "# Tasks\n\n- [x] Rename flags\n- [x] Log the root\n",
    f"{QW}/analysis/01-phase-1-quick-wins-overview.md": """\
---
Title: Phase 1: Quick Wins Overview
Ticket: WG-QW
Status: complete
Topics:
    - docs
DocType: analysis
Intent: long-term
Owners:
    - dana
RelatedFiles: []
ExternalSources: []
Summary: High-impact, low-effort improvements: naming, logging
LastUpdated: 2025-11-18T08:10:00-05:00
---

# Phase 1: Quick Wins Overview
""",
    f"{QW}/various/2025-11-18-implementation-diary.md": """\
---
Title: Implementation Diary
Ticket: WG-QW
DocType: various
Topics:
  - docs
WhatFor: Tracking the quick wins
WhenToUse: While working on WG-QW
Status: complete
Intent: short-term
Summary: Completed all 8 quick wins: naming and logging
LastUpdated: 2025-11-18
---

# Implementation Diary

## Step 1 — Docs pass

**Commit (code):** N/A

## Step 2. Naming

**Commit (code):** pending

## Step 2: Naming (second attempt)

- Commit: (pending — waiting for the checkpoint commit hash)

#### Step 9: too deep to be a step

~~~text
### Step 8: inside a tilde fence
~~~
""",
}

# ---------------------------------------- quoted titles, absolute and ../.. RelatedFiles

REFACTOR = "2025/11/18/WG-REFACTOR-hierarchical-commands"

REFACTOR_FILES = {
    f"{REFACTOR}/index.md": """\
---
Title: 'Code Refactoring: Hierarchical Commands and Utilities'
Ticket: WG-REFACTOR
Status: complete
Topics:
    - cli
DocType: index
Intent: long-term
Owners:
    - dana
RelatedFiles:
    - Path: ../../WG-QW-quick-wins-naming-and-logging/analysis/01-phase-1-quick-wins-overview.md
      Note: Hierarchical structure decision
    - Path: /home/dana/src/widgets/cmd/widgets/root.go
      Note: |-
        Hierarchical command tree
        Hierarchical commands wiring
    - Path: /home/dana/src/widgets/internal/documents/walk.go
      Note: Document walker utility
ExternalSources: []
Summary: Split the flat command list into verb groups.
LastUpdated: 2025-11-18T17:40:00-05:00
---

# Code Refactoring
""",
    f"{REFACTOR}/various/refactor-log.md": """\
---
Title: Refactor log (diary)
Ticket: WG-REFACTOR
Status: complete
Topics:
    - cli
DocType: various
Intent: short-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: Issue #12 and #14 closed here
LastUpdated: 0001-01-01T00:00:00Z
---

# Refactor log

## Step 1: Group the verbs

**Commit (code):** c4fe011 — "cli: group verbs"
""",
}

# ------------------------------------------- lower-case keys, 2-space indents, broken headers

TEMPLATES = "2025/11/19/WG-OUTPUT-TEMPLATES-postfix-templates-for-verb-outputs"

TEMPLATES_FILES = {
    f"{TEMPLATES}/index.md": """\
---
Title: Postfix templates for verb outputs
Ticket: WG-OUTPUT-TEMPLATES
Status: complete
Topics:
  - cli
DocType: index
Intent: long-term
Owners:
  - dana
RelatedFiles:
  - path: internal/templates/verb_output.go
    note: Rendering entrypoint
ExternalSources: []
Summary: Render each verb's rows through a user template.
LastUpdated: "2025-11-19T16:00:00Z"
---

# Postfix templates
""",
    f"{TEMPLATES}/tasks.md": "# Tasks\n\n- [x] Survey verbs\n- [ ] Add template validation\n",
    f"{TEMPLATES}/playbooks/01-intern-playbook-postfix-templates.md": """\
---
Title: Intern Playbook — Continuing Postfix Templates
Ticket: WG-OUTPUT-TEMPLATES
Status: active
Topics:
  - cli
DocType: playbook
Intent: long-term
Owners:
  - dana
RelatedFiles:
  - path: internal/templates/verb_output.go
    note: Postfix template rendering entrypoint and FuncMap
  - path: internal/templates/schema.go
    note: PrintSchema to output template schema (JSON/YAML)
  - path: pkg/commands/list_docs.go
    note: Example wiring for postfix templates
  - path: internal/templates/schema.go
    note: PrintSchema to output template schema (JSON/YAML)
ExternalSources: []
Summary: 'Step-by-step: continue the postfix template work'
LastUpdated: 2025-11-19T16:02:11.123-05:00
---

# Intern Playbook
""",
    f"{TEMPLATES}/reference/02-lowercase-keys.md": """\
---
title: Template functions
ticket: WG-OUTPUT-TEMPLATES
status: active
topics:
    - cli
doctype: reference
intent: long-term
owners: []
relatedfiles:
    - Path: internal/templates/funcs.go
      Note: `docmgr template` helpers and their: arguments
externalsources: []
summary: Every helper a template can call
lastupdated: 2025-11-19T16:05:00-05:00
Audience: interns
---

# Template functions
""",
    f"{TEMPLATES}/design-doc/02-broken-summary.md": """\
---
Title: Broken summary
Ticket: WG-OUTPUT-TEMPLATES
Summary: [unclosed
DocType: design-doc
---

A flow sequence that never closes.
""",
    f"{TEMPLATES}/design-doc/03-empty-header.md": "---\n---\n\n# Nothing in the header\n",
    f"{TEMPLATES}/design-doc/04-list-header.md": "---\n- Title\n- Ticket\n---\n\n# A list\n",
    f"{TEMPLATES}/design-doc/05-unclosed-header.md": """\
---
Title: Unclosed header
Ticket: WG-OUTPUT-TEMPLATES
DocType: design-doc

# The closing delimiter was never written
""",
}

# ------------------------------------------------------------- flat layouts under the root

FLAT = "WG-101-prefix-scaffolded-files-numeric-prefixes"
UX = "WG-UX-scriptable-output-and-path-resolution"

FLAT_FILES = {
    f"{FLAT}/index.md": """\
---
Title: Prefix scaffolded files with numbers
Ticket: WG-101-prefix-scaffolded-files
Status: complete
Topics:
    - cli
DocType: index
Intent: long-term
Owners:
    - dana
RelatedFiles: []
ExternalSources: []
Summary: New docs get NN- prefixes.
LastUpdated: 2025-11-20T11:00:00-05:00
---

# Prefix scaffolded files
""",
    f"{FLAT}/tasks.md": "# Tasks\n\n- [ ] Renumber old docs\n",
    f"{FLAT}/.meta/sources.yaml": "sources: []\n",
    f"{FLAT}/.meta/fetched.md": """\
---
Title: Fetched source (a tool's cache, not a document)
Ticket: WG-101-prefix-scaffolded-files
DocType: reference
---
""",
    f"{FLAT}/design/filename-numbering-policy.md": """\
---
Title: Filename numbering policy
Ticket: WG-101-prefix-scaffolded-files
Status: complete
Topics:
    - cli
DocType: design
Intent: long-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: Two digits, three from 100
LastUpdated: 2025-11-20T11:30:00-05:00
---   \n
# Filename numbering policy
""",
    f"{UX}/index.md": """\
---
Title: Scriptable output and path resolution
Ticket: WG-UX
Status: complete
Topics:
    - cli
DocType: index
Intent: long-term
Owners:
    - dana
RelatedFiles:
    - Path: cmd/widgets/main.go
    - Path: internal/paths/resolve.go
      Note: The resolver
    - internal/paths/legacy.go
ExternalSources: []
Summary: no
LastUpdated: 2025-11-21T09:00:00-05:00
---

# Scriptable output
""",
    f"{UX}/reference/reference-current-outputs.md": """\
---
Title: Current outputs and flags
Ticket: WG-UX
Status: complete
Topics:
    - cli
DocType: reference
Intent: long-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: >
    What every verb prints today,
    before the scriptable modes.
LastUpdated: 2025-11-21T09:10:00-05:00
---

# Current outputs
""",
}

# ------------------------------------ index.md in a date folder, a nested CRLF ticket inside

DAY = "2025/11/26"
NESTED = f"{DAY}/WG-PATH-NORMALIZE-normalize-search-paths"

DAY_FILES = {
    f"{DAY}/index.md": """\
---
Title: Verify command references in the docs
Ticket: WG-DOC-VERIFY
Status: complete
Topics:
    - docs
DocType: index
Intent: short-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: Every command named in the docs exists.
LastUpdated: 2025-11-26T10:00:00-05:00
---

# Verify command references
""",
    f"{DAY}/tasks.md": "# Tasks\n\n- [ ] Check the tutorial\n",
    f"{DAY}/log/2025-11-26-moving-ticket.md": "# Moving the ticket\n\nNo front matter here.\n",
    f"{DAY}/reference/01-command-verification.md": """\
---
Title: 2025-11-26 verification run
Ticket: WG-DOC-VERIFY
Status: complete
Topics:
    - docs
DocType: reference
Intent: short-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: All commands found
LastUpdated: 2025-11-26
---

# Verification run
""",
    f"{NESTED}/index.md": """\
---
Title: Normalize search paths
Ticket: WG-PATH-NORMALIZE
Status: complete
Topics:
    - cli
DocType: index
Intent: long-term
Owners: []
RelatedFiles:
    - Path: internal/paths/normalize.go
      Note: Normalizer
ExternalSources: []
Summary: Written on Windows, so every line ends in CRLF.
LastUpdated: 2025-11-26T15:00:00-05:00
---

# Normalize search paths
""",
    f"{NESTED}/reference/01-path-rules.md": """\
---
Title: Path rules
Ticket: WG-PATH-NORMALIZE
Status: complete
Topics:
    - cli
DocType: reference
Intent: long-term
Owners: []
RelatedFiles:
    - Path: internal/paths/normalize.go
      Note: 'Rules: slashes, case, dots'
ExternalSources: []
Summary: How a path is normalized
LastUpdated: 2025-11-26T15:10:00-05:00
---

# Path rules
""",
    f"{NESTED}/log/2025-11-26-path-tests.md": "# Path tests\n\nNo front matter, CRLF.\n",
}

# ------------------------------------------------------------- the other legacy shapes

OTHER_FILES = {
    # a YYYY-MM-DD/ date folder
    "2025-11-20/WG-LEGACY-7-date-folder-layout/index.md": """\
---
Title: Date folder layout
Ticket: WG-LEGACY-7
Status: complete
Topics:
    - tooling
DocType: index
Intent: long-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: Written before the YYYY/MM/DD layout.
LastUpdated: 2025-11-20T08:00:00-05:00
---

# Date folder layout
""",
    # an id that itself contains "--"
    "2025/12/05/WG--SPIKE--spike-on-caching/index.md": """\
---
Title: Spike on caching
Ticket: WG--SPIKE
Status: active
Topics:
    - tooling
DocType: index
Intent: short-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: Is a cache worth it?
LastUpdated: 2025-12-05T08:00:00-05:00
---

# Spike on caching
""",
    # the same ticket id twice: a move that left the old copy behind
    "2025/12/01/WG-TICKET-MOVE-move-ticket-directories/index.md": """\
---
Title: Move ticket directories
Ticket: WG-TICKET-MOVE
Status: complete
Topics:
    - tooling
DocType: index
Intent: long-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: Old location.
LastUpdated: 2025-12-01T08:00:00-05:00
---

# Move ticket directories
""",
    "2025/12/02/WG-TICKET-MOVE--move-ticket-directories/index.md": """\
---
Title: Move ticket directories
Ticket: WG-TICKET-MOVE
Status: complete
Topics:
    - tooling
DocType: index
Intent: long-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: New location.
LastUpdated: 2025-12-02T08:00:00-05:00
---

# Move ticket directories
""",
    # an index.md whose header does not parse (a list item out of line)
    "2025/11/19/WG-DOCTOR-FM-invalid-frontmatter-detection/index.md": """\
---
Title: Test doctor: invalid frontmatter detection
Ticket: WG-DOCTOR-FM
Topics:
    - tooling
  - misindented
DocType: index
---

# Test doctor
""",
    "2025/11/19/WG-DOCTOR-FM-invalid-frontmatter-detection/tasks.md": "# Tasks\n\n- [ ] Fix\n",
    "2025/11/19/WG-DOCTOR-FM-invalid-frontmatter-detection/design-doc/01-cases.md": """\
---
Title: Cases
Ticket: WG-DOCTOR-FM
Status: active
Topics:
    - tooling
DocType: design-doc
Intent: short-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: Which headers doctor must flag
LastUpdated: 2025-11-19T09:00:00-05:00
---

# Cases
""",
    # a ticket folder without index.md, and documents outside any ticket folder
    "2025/11/24/WG-3083-tutorial-validation/various/haiku-validation.md": """\
---
Title: Tutorial validation (haiku)
Ticket: WG-3083
Status: active
Topics:
    - docs
DocType: working-note
Intent: short-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: What a small model got wrong
LastUpdated: 2025-11-24T00:00:00Z
---

# Tutorial validation
""",
    "2025/01-review-notes.md": """\
---
Title: Review notes
Ticket: WG-3083
Status: active
Topics:
    - docs
DocType: working-note
Intent: short-term
Owners: []
RelatedFiles: []
ExternalSources: []
Summary: Notes kept next to the year folder
LastUpdated: 2025-11-24T00:00:00Z
---

# Review notes
""",
    "2025/02-full-review.md": "# Full review\n\nPasted from a chat; never given a header.\n",
    "NOTES.md": "# Notes\n\nA loose file at the root.\n",
    "README.md": "# Workspace\n\nNot a ticket's README: there is no index.md beside it.\n",
    # skills: their own keys, no Ticket, no LastUpdated; one without front matter
    "skills/test-driven-development.md": """\
---
Title: "Test-Driven Development"
DocType: skill
Topics:
  - tooling
WhatFor: |
  Red, green, refactor: every function gets a test
  that was seen to fail first.
WhenToUse: |
  Before writing implementation code.
Status: active
Intent: long-term
---

# Skill: Test-Driven Development
""",
    "skills/diary/skill.yaml": "name: diary\n",
    "skills/diary/diary.md": """\
# Diary skill

Write one step per commit:

```markdown
## Step 1: <what you did>

**Commit (code):** <hash> — "<subject>"
```
""",
    # never read: templates with placeholders, guidelines, ignored by .docmgrignore too
    "_templates/design-doc.md": """\
---
Title: {{TITLE}}
Ticket: {{TICKET}}
Status: draft
Topics:
{{TOPICS}}
DocType: design-doc
LastUpdated: {{DATE}}
---

# {{TITLE}}
""",
    "_guidelines/design-doc.md": "# Design docs\n\nSay what you decided and why.\n",
}

FILES: dict[str, str] = {
    "vocabulary.yaml": VOCABULARY,
    ".docmgrignore": "# Default ignores for docmgr\n.git/\n_templates/\n_guidelines/\n",
    **GRAPH_FILES,
    **FACADE_FILES,
    **WALKERS_FILES,
    **QW_FILES,
    **REFACTOR_FILES,
    **TEMPLATES_FILES,
    **FLAT_FILES,
    **DAY_FILES,
    **OTHER_FILES,
}


def build(root: Path) -> Path:
    """Write the workspace to ``root/ttmp`` and return ``root`` (made a repository root).

    ``root/.git`` is an empty folder, as in the ``corpus`` fixture: enough for docmgr to
    take ``root`` as the repository root, and a test may replace it with a real repository.
    """
    docs = root / "ttmp"
    for rel, text in FILES.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel in CRLF:
            text = text.replace("\n", "\r\n")
        path.write_bytes(text.encode("utf-8"))
    (root / ".git").mkdir()
    return root
