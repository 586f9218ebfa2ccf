"""The current claim in its source context: document, paragraph, verdict and note."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...storage.reviewview import ClaimContext
from .. import text as txt

#: Paragraph text shown around the claim's sentence; beyond this it is clipped with "…".
CONTEXT_CHARS = 1200


def context_text(ctx: ClaimContext) -> Text:
    """Document line, then the paragraph with the claim's sentence highlighted."""
    claim, doc = ctx.claim, ctx.document
    out = Text()
    out.append(txt.one_line(doc.title if doc and doc.title else claim.doc_name)[:200], "bold")
    meta = [txt.one_line(v)[:60] for v in (doc.source, doc.published) if v] if doc else []
    meta.append(txt.one_line(claim.doc_name)[:60])
    out.append("\n" + " · ".join(meta), "dim")
    out.append(f" · claim #{claim.id}", "dim")
    if claim.origin != "extracted":
        out.append(f" ({claim.origin})", "dim")
    out.append("\n")
    sentence_style = "bold reverse"
    if ctx.paragraph and any(p.id == claim.passage_id for p in ctx.paragraph):
        before, after = [], []
        target = ""
        for p in ctx.paragraph:
            if p.id == claim.passage_id:
                target = p.text
            elif target:
                after.append(p.text)
            else:
                before.append(p.text)
        # Keep the highlighted sentence whole and trim the context around it.
        pre = txt.one_line(" ".join(before))
        post = txt.one_line(" ".join(after))
        room = max(0, CONTEXT_CHARS - len(target)) // 2
        if len(pre) > room:
            pre = "…" + pre[len(pre) - room:]
        if len(post) > room:
            post = post[:room] + "…"
        out.append(pre + (" " if pre else ""))
        out.append(txt.one_line(target), sentence_style)
        out.append((" " if post else "") + post)
    else:
        out.append(txt.one_line(claim.text), sentence_style)
    if claim.reasons:
        out.append("\nwhy check-worthy: " + ", ".join(txt.one_line(r) for r in claim.reasons), "dim")
    return out


def verdict_text(ctx: ClaimContext) -> Text:
    verdict = ctx.verdict
    out = Text()
    out.append_text(txt.status_mark(verdict.status))
    out.append(" " + txt.status_label(verdict.status), "bold")
    if verdict.reviewer and verdict.status:
        out.append(" by " + txt.one_line(verdict.reviewer)[:40], "dim")
    supports = sum(1 for link in ctx.links if link.relation == "supports")
    contradicts = len(ctx.links) - supports
    if ctx.links:
        out.append(f" · {supports} supporting, {contradicts} contradicting link(s)", "dim")
    if verdict.note:
        out.append("\nnote: ", "bold")
        out.append(txt.clean(verdict.note[:2000], keep_newlines=True))
    return out


class ClaimView(VerticalScroll, can_focus=False):
    """Scrolls when a paragraph or note is too long for its share of the screen."""

    DEFAULT_CSS = """
    ClaimView { height: auto; max-height: 45%; padding: 0 1; }
    ClaimView > #verdict { background: $boost; }
    """

    def compose(self):
        yield Static(id="verdict")
        yield Static(id="context")

    def show(self, ctx: ClaimContext | None) -> None:
        context = self.query_one("#context", Static)
        verdict = self.query_one("#verdict", Static)
        if ctx is None:
            context.update(Text("No claims match. Press f to change the filter or / to search.", "dim"))
            verdict.update(Text(""))
            return
        context.update(context_text(ctx))
        verdict.update(verdict_text(ctx))
        self.scroll_home(animate=False)
