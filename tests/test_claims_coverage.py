"""The catalogue accounts for the notes: every line that states a number is cited by a claim or by
the not-checkable table, every cited line exists, and the notes' text the project carries is whole."""

from __future__ import annotations

import pytest

from archstats.claims import base, catalog, unchecked


def test_every_quantitative_line_is_accounted_for() -> None:
    missing = base.unaccounted_lines()
    assert not missing, f"{len(missing)} quantitative lines of the notes are in no claim and no table: {missing}"


@pytest.mark.parametrize("source", sorted({c.source for c in catalog()} | {u.source for u in unchecked()}))
def test_cited_lines_exist_and_are_not_blank(source: str) -> None:
    for note, first, last in base.parse_source(source):
        lines = base.note_lines(note)
        assert last <= len(lines), f"{source}: note {note} has {len(lines)} lines"
        assert any(lines[i - 1].strip() for i in range(first, last + 1)), f"{source} cites only blank lines"


def test_quotes_are_in_the_cited_lines() -> None:
    """A claim's quote is text of the lines it cites (whitespace and markdown emphasis aside)."""

    def squash(text: str) -> str:
        return "".join(ch for ch in text if not ch.isspace() and ch not in "*`\\")

    for entry in [*catalog(), *unchecked()]:
        cited = "".join(
            squash(base.note_lines(n)[i - 1]) for n, a, b in base.parse_source(entry.source) for i in range(a, b + 1)
        )
        for part in entry.quote.split(" ... "):
            assert squash(part) in cited, f"{entry.source}: quote {part!r} is not in the cited lines"


def test_is_quantitative_ignores_numbering_and_links() -> None:
    assert not base.is_quantitative("### 1. ResNet")
    assert not base.is_quantitative("* [paper](https://arxiv.org/pdf/1512.03385.pdf)")
    assert base.is_quantitative("총 파라미터는 138M, AlexNet은 60M.")
    assert base.is_quantitative("1\\. Layer 1 (CONV1)")  # the layer number after the enumeration
