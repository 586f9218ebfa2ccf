"""The review screen's cluster keys: one verdict for a whole cluster, collapse the list to
one row per cluster, take a claim out of its cluster, join two clusters.

A mixin of ``ReviewScreen`` (which provides ``claims``, ``context``, ``last_marked``, ``sync``,
``submit``, ``show_claim``, ``update_status`` and ``schedule_save``). Every change
goes through the writer; the first of them in a session also clusters the claims
never clustered (all of them on a database nobody clustered yet), as
``workbench clusters`` does, so the keys work before anyone ran it.
"""

from __future__ import annotations

from rich.text import Text

from ...storage import clusters, reviewview
from ..bindings import shown_key
from ..writer import Change
from .dialogs import ConfirmDialog


class ClusterKeys:
    join_mark: int | None = None
    """The claim marked with the join key, waiting for the claim whose cluster it joins."""
    _grouped = False
    """Claims were clustered (or are queued to be) in this session."""
    _collapse_wanted: bool | None = None
    """The collapsed state to switch to once the queued grouping is written."""
    _cluster_progress: str | None = None

    def _group_first(self) -> None:
        if not self._grouped:
            self._grouped = True
            self.submit(Change("group"))

    # --- A: one verdict for the whole cluster ------------------------------------------------

    def action_cluster_verdict(self) -> None:
        """After one confirmation, give every claim of the cluster this claim's verdict and links."""
        self.sync()
        ctx = self.context
        if ctx is not None and not ctx.verdict.status and self.last_marked is not None:
            last = reviewview.claim_context(self.db, self.last_marked)
            ctx = self.overlay(last)[0] if last is not None else ctx
        if ctx is None or not ctx.verdict.status:
            self.notify(
                "Give the claim a verdict first; this key then applies it to its whole cluster.",
                timeout=4,
                markup=False,
            )
            return
        if ctx.cluster_size < 2:
            self.notify(
                f"Claim #{ctx.claim.id} is in no cluster: no other claim states the same thing.",
                timeout=4,
                markup=False,
            )
            return
        claim_id, status = ctx.claim.id, ctx.verdict.status
        links = tuple((link.passage_id, link.relation) for link in ctx.links)
        question = Text()
        question.append(f"Mark all {ctx.cluster_size} claims of claim #{claim_id}'s cluster ")
        question.append(status, "bold")
        if links:
            question.append(f" and link the same {len(links)} passage(s)")
        question.append(
            f"? They are in {ctx.also_in + 1} document(s). {shown_key(self.app.config, 'review.undo')}"
            " undoes it as one change."
        )

        def apply(yes: bool | None) -> None:
            if yes:
                self.submit(Change("cluster", claim_id, (status, links)))

        self.app.push_screen(ConfirmDialog("Apply to the cluster", question), apply)

    # --- z: one row per cluster -------------------------------------------------------

    def action_toggle_collapse(self) -> None:
        self.sync()
        want = not self.claims.collapsed
        if want and not self._grouped:
            self._collapse_wanted = want
            self._group_first()
            self.notify("Grouping the claims into clusters…", timeout=2, markup=False)
            return
        self._collapse(want)

    def _collapse(self, collapsed: bool) -> None:
        claims = self.claims
        claims.reload(self.claim_id, collapsed=collapsed)
        self._cluster_progress = None
        self.sync()
        self.schedule_save()
        rows = "one row per cluster" if collapsed else "one row per claim"
        self.notify(f"Showing {rows} ({claims.total}).", timeout=2, markup=False)

    def cluster_status(self) -> Text | None:
        """ "clusters: 12/40 decided" for the status line while the list is collapsed."""
        if not self.claims.collapsed:
            return None
        if self._cluster_progress is None:
            decided, total = clusters.cluster_progress(self.db)
            self._cluster_progress = f"clusters: {decided}/{total} decided"
        return Text(self._cluster_progress, "bold")

    def cluster_progress_changed(self) -> None:
        self._cluster_progress = None

    def join_status(self) -> Text | None:
        if self.join_mark is None:
            return None
        key = shown_key(self.app.config, "claim.join")
        return Text(f"joining: #{self.join_mark} marked ({key} on another claim)", "bold")

    # --- - and +: fix a wrong grouping --------------------------------------------------

    def action_take_out(self) -> None:
        self.sync()
        ctx = self.context
        if ctx is None:
            return
        if ctx.cluster_size < 2:
            self.notify(f"Claim #{ctx.claim.id} is in no cluster.", timeout=3, markup=False)
            return
        self._group_first()
        self.submit(Change("take_out", ctx.claim.id))

    def action_join_cluster(self) -> None:
        self.sync()
        claim_id = self.claim_id
        if claim_id is None:
            return
        key = shown_key(self.app.config, "claim.join")
        if self.join_mark is None:
            self.join_mark = claim_id
            self.notify(
                f"Claim #{claim_id} marked: press {key} on another claim to join their clusters"
                f" ({key} here again or escape clears the mark).",
                timeout=6,
                markup=False,
            )
        elif self.join_mark == claim_id:
            self.action_clear_join_mark()
        else:
            self._group_first()
            self.submit(Change("join", self.join_mark, claim_id))
            self.join_mark = None
        self.update_status()

    def action_clear_join_mark(self) -> None:
        if self.join_mark is not None:
            self.join_mark = None
            self.notify("Join mark cleared.", timeout=2, markup=False)
            self.update_status()

    def clusters_written(self, change: Change, result) -> None:
        """A grouping, take-out or join is in the database: show the list and claim as they are now."""
        self._cluster_progress = None
        if change.kind == "group":
            want, self._collapse_wanted = self._collapse_wanted, None
            if want is not None:
                self._collapse(want)
            return
        self.claims.reload(self.claim_id)
        self.show_claim(self.claim_id, keep_candidates=True)
        if change.kind == "take_out":
            self.notify(f"Claim #{change.claim_id} is out of its cluster (remembered).", timeout=3)
        else:
            self.notify(
                f"Claims #{change.claim_id} and #{change.value} are in one cluster now, #{result}"
                " (remembered).",
                timeout=3,
            )
