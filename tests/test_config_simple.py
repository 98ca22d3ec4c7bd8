"""The fast .ttmp.yaml reader agrees with PyYAML on the subset it accepts and declines the rest."""

from __future__ import annotations

import pytest

from docmgr.store.config import parse_simple

WRITTEN = [
    'root: ttmp\ndefaults:\n    owners: []\n    intent: ""\nfilenamePrefixPolicy: ""\n'
    "vocabulary: ttmp/vocabulary.yaml\n",
    "root: ttmp\ndefaults:\n    owners:\n        - manuel\n        - 'a b'\n"
    "    intent: long-term\n",
    "# comment\nroot: docs  # trailing\nrepo: ../code\nindex:\n  cache_dir: /tmp/x\n",
    'root: "x y"\r\nvocabulary: v.yaml\r\n',
]
DECLINED = [
    "root: [a, b]\n",
    "defaults: {owners: []}\n",
    "root: |\n  x\n",
    "root: &a x\n",
    "- a\n",
    "root: x\n  - y\n",
    "\troot: x\n",
]


@pytest.mark.parametrize("text", WRITTEN)
def test_agrees_with_pyyaml(text: str) -> None:
    import yaml  # heavy: imported where used, as in the package (ruff TID253)

    assert parse_simple(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", DECLINED)
def test_declines_what_it_does_not_know(text: str) -> None:
    assert parse_simple(text) is None


def test_off_stays_a_string_like_yaml_1_2() -> None:
    assert parse_simple("filenamePrefixPolicy: off\n") == {"filenamePrefixPolicy": "off"}
