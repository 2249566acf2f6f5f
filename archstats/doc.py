"""A small document model for pages written in both Markdown and HTML.

A page is built once as blocks (headings, paragraphs, tables, quotes, lists) holding inline text
(plain strings, links, emphasis), then written by :func:`markdown` or :func:`html_body`. Both
writers escape every string they are given: a model or module named ``<script>`` stays text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Em:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


Inline: TypeAlias = "str | Link | Strong | Em | Code | tuple[Inline, ...]"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    text: Inline


@dataclass(frozen=True)
class Quote:
    lines: tuple[Inline, ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]
    numeric: tuple[int, ...] = ()  # columns aligned right
    anchors: tuple[str, ...] = ()  # one anchor per row ("" for none)


Block: TypeAlias = "Heading | Para | Quote | Bullets | Table"


# --- Markdown -----------------------------------------------------------------------------------------

# "_" is left alone: inside a name (squeezenet1_0) it never starts emphasis in CommonMark
_MD_ESCAPES = str.maketrans({"\\": "\\\\", "*": "\\*", "`": "\\`", "[": "\\[", "]": "\\]"})


def md_text(text: str, *, in_table: bool = False) -> str:
    """Plain text for Markdown: HTML escaped, emphasis and link characters neutralised."""
    out = html.escape(str(text), quote=False).translate(_MD_ESCAPES)
    out = out.replace("\n", " ")
    return out.replace("|", "\\|") if in_table else out


def md_inline(part: Inline, *, in_table: bool = False) -> str:
    if isinstance(part, tuple):
        return "".join(md_inline(p, in_table=in_table) for p in part)
    if isinstance(part, Link):
        return f"[{md_text(part.text, in_table=in_table)}]({part.href.replace(' ', '%20')})"
    if isinstance(part, Strong):
        return f"**{md_text(part.text, in_table=in_table)}**" if part.text else ""
    if isinstance(part, Em):
        return f"*{md_text(part.text, in_table=in_table)}*" if part.text else ""
    if isinstance(part, Code):
        return "`" + part.text.replace("`", "'") + "`"
    return md_text(part, in_table=in_table)


def _md_table(t: Table) -> list[str]:
    align = ["---:" if i in t.numeric else "---" for i in range(len(t.headers))]
    lines = ["| " + " | ".join(md_text(h, in_table=True) for h in t.headers) + " |", "| " + " | ".join(align) + " |"]
    for i, row in enumerate(t.rows):
        cells = [md_inline(c, in_table=True) for c in row]
        if t.anchors and t.anchors[i]:
            cells[0] = f'<a id="{html.escape(t.anchors[i])}"></a>{cells[0]}'
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _md_block(b: Block) -> list[str]:
    if isinstance(b, Heading):
        anchor = f'<a id="{html.escape(b.anchor)}"></a>' if b.anchor else ""
        return [f"{'#' * b.level} {anchor}{md_text(b.text)}"]
    if isinstance(b, Para):
        return [md_inline(b.text)]
    if isinstance(b, Quote):
        return ["> " + md_inline(line) + ("  " if i < len(b.lines) - 1 else "") for i, line in enumerate(b.lines)]
    if isinstance(b, Bullets):
        return [f"- {md_inline(item)}" for item in b.items]
    return _md_table(b)


def markdown(blocks: Sequence[Block]) -> str:
    """The page as Markdown (GitHub flavour: pipe tables, HTML anchors)."""
    return "\n\n".join("\n".join(_md_block(b)) for b in blocks) + "\n"


# --- HTML ---------------------------------------------------------------------------------------------

e = html.escape


def html_inline(part: Inline) -> str:
    if isinstance(part, tuple):
        return "".join(html_inline(p) for p in part)
    if isinstance(part, Link):
        return f'<a href="{e(part.href)}">{e(part.text)}</a>'
    if isinstance(part, Strong):
        return f"<strong>{e(part.text)}</strong>"
    if isinstance(part, Em):
        return f"<em>{e(part.text)}</em>"
    if isinstance(part, Code):
        return f"<code>{e(part.text)}</code>"
    return e(str(part))


def _html_table(t: Table) -> str:
    def cls(i: int) -> str:
        return ' class="num"' if i in t.numeric else ""

    out = ['<table class="sortable">', "<thead><tr>"]
    out += [f'<th scope="col"{cls(i)}>{e(h)}</th>' for i, h in enumerate(t.headers)]
    out.append("</tr></thead>\n<tbody>")
    for r, row in enumerate(t.rows):
        anchor = f' id="{e(t.anchors[r])}"' if t.anchors and t.anchors[r] else ""
        out.append(f"<tr{anchor}>" + "".join(f"<td{cls(i)}>{html_inline(c)}</td>" for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody>\n</table>")
    return "\n".join(out)


def _html_block(b: Block) -> str:
    if isinstance(b, Heading):
        anchor = f' id="{e(b.anchor)}"' if b.anchor else ""
        return f"<h{b.level}{anchor}>{e(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        return f"<p>{html_inline(b.text)}</p>"
    if isinstance(b, Quote):
        return "<blockquote>" + "<br>\n".join(html_inline(line) for line in b.lines) + "</blockquote>"
    if isinstance(b, Bullets):
        return "<ul>\n" + "\n".join(f"<li>{html_inline(i)}</li>" for i in b.items) + "\n</ul>"
    return _html_table(b)


def html_body(blocks: Sequence[Block]) -> str:
    """The page's body as HTML (wrap it with ``report.html_document``)."""
    return "\n".join(_html_block(b) for b in blocks)
