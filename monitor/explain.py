"""`news-monitor explain`: every quantity, the evidence for and against each figure, the
verdict, and every term matched. Pure formatting over `pipeline.analyse`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from monitor.config import WatchlistConfig
from monitor.engine import claimant as claiming
from monitor.engine.attribute import Attribution
from monitor.engine.pipeline import Analysis, analyse
from monitor.engine.watchlist import Watchlist, compile_watchlist
from monitor.feeds import Backend, content_hash, parse_bytes
from monitor.models import Item
from monitor.text import fmt_number


def _claimant(wl: Watchlist, claim: claiming.Claim | None, observed: str | None) -> str:
    """Who stands behind the value, and the words read as it."""
    if observed is not None and (claim is None or claim.key != observed):
        return (f"{wl.claimant_label(observed)} (from the title)" if observed
                else "none (unattributed)")
    if claim is None:
        return "none (unattributed)"
    kind = "declared" if not claim.key.startswith("?") else "not declared, kept as read"
    return f"{wl.claimant_label(claim.key)} ({kind}; read \"{claim.words}\", {claim.how})"


def _attribution(a: Attribution, sentence: str, wl: Watchlist,
                 claim: claiming.Claim | None = None, observed: str | None = None
                 ) -> list[str]:
    q = a.quantity
    rng = f" (range {fmt_number(q.low)}-{fmt_number(q.high)})" if q.low is not None else ""
    lines = [
        f"  quantity {fmt_number(q.value)}{rng} qualifier={q.qualifier or '-'} unit={q.unit or '-'}"
        f"  \"{sentence[q.start:q.end]}\"",
        f"    verdict: {a.note}",
    ]
    if wl.places:
        lines.append(f"    scope: {a.scope.shown(wl)}")
    if a.figure is not None:
        lines.append(f"    claimant: {_claimant(wl, claim, observed)}")
    for e in sorted(a.evidence, key=lambda e: (not e.accepted, -e.score)):
        mark = "+" if e.accepted else "-"
        details = [f"unit {'yes' if e.unit else 'no'}"]
        if e.measure:
            details.append(f"measure {e.measure}")
        details.append(f"subject {e.subject or 'no'}")
        if e.cues:
            details.append("cues " + ", ".join(e.cues))
        details.append(f"score {e.score:g}")
        lines.append(f"    {mark} {e.figure}: {'; '.join(details)} -> {e.reason}")
    return lines


def render(analysis: Analysis, wl: Watchlist) -> str:
    out = [f"language: {analysis.language}"]
    if analysis.terms:
        out.append("terms: " + ", ".join(f"{t} (score {s:.0f})" for t, s in analysis.terms))
    else:
        out.append("terms: none")
    out.append("figures spoken of: " + (", ".join(analysis.figures) or "none"))
    observed = {(o.sentence, o.quantity.start, o.figure): o.claimant
                for o in analysis.observations}
    for k, reading in enumerate(analysis.readings):
        if not reading.attributions:
            continue
        out.append(f"sentence: {reading.text}")
        title = k == 0 and bool(analysis.item.title)
        claims = claiming.read_claims(wl, reading.text, reading.hits, headline=title)
        governing = claiming.claimants(claims, reading.text,
                                       [a.quantity for a in reading.attributions])
        for d in (c for c in claims if c.denies):
            out.append(f"  denial read: {wl.claimant_label(d.key) or d.words} (\"{d.words}\")")
        for a, claim in zip(reading.attributions, governing, strict=True):
            seen = observed.get((reading.text, a.quantity.start, a.figure or ""))
            out += _attribution(a, reading.text, wl, claim, seen)
    if len(out) == 3:
        out.append("no quantities found")
    return "\n".join(out)


def explain_text(wl: WatchlistConfig, text: str, lang: str | None = None) -> str:
    item = Item(uid="explain", title="", text=text, link=None, published=None, updated=None,
                source="explain", content_hash=content_hash("", text, None), language=lang)
    compiled = compile_watchlist(wl)
    return render(analyse(compiled, item, explain=True), compiled)


def explain_entry(wl: WatchlistConfig, path: str, index: int, lang: str | None = None,
                  backend: Backend = "auto") -> str:
    parsed = parse_bytes(Path(path).read_bytes(), feed=Path(path).stem, language=lang,
                         backend=backend)
    if not 0 <= index < len(parsed.items):
        return f"{path}: no entry {index} (the feed has {len(parsed.items)})"
    item = parsed.items[index]
    when = (item.when or datetime.fromtimestamp(0, UTC)).isoformat()
    head = (f"entry {index}: {item.title}\nlink: {item.link}\nsource: {item.source}  date: {when}"
            f"  parser: {parsed.backend}")
    compiled = compile_watchlist(wl)
    return head + "\n" + render(analyse(compiled, item, explain=True), compiled)


def explain_archived(wl: WatchlistConfig, item: Item | None, link: str,
                     lang: str | None = None) -> str:
    """`explain --link URL`: the latest archived version of the item with that link."""
    if item is None:
        return (f"{link}: not in the archive (never read, read before the archive was kept, "
                "or pruned: see [daemon] archive)")
    if lang:
        item = replace(item, language=lang)
    when = (item.when or datetime.fromtimestamp(0, UTC)).isoformat()
    head = (f"archived item: {item.title}\nlink: {item.link}\nsource: {item.source}  "
            f"feed: {item.feed}  date: {when}")
    compiled = compile_watchlist(wl)
    return head + "\n" + render(analyse(compiled, item, explain=True), compiled)
