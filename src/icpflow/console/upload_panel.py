"""What step 5 (附件) shows about a filing's attachments: one card per attachment, grouped by upload
position (slot), with the file's measured facts, the pre-check findings that concern it, and whether the
filing's bureau takes photos in landscape only; plus what the upload form offers and preselects.

`upload_panel` is a template global (`_uploads.html` on the wizard, `_review_attachments.html` on the
review page call it), so the pages that include those templates need no change to their routes.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Request

from ..adapters.previews import pdf_pages
from ..domain.accounts import Principal
from ..domain.document import FullFiling
from ..domain.enums import SIGNED_LETTER_KINDS, AttachmentKind, Slot, label
from ..domain.errors import NotFound
from ..domain.model import Application
from ..domain.parsing import DocumentUnreadable, parse_mapping
from ..services.attachments import object_id_of
from .common import REVIEWERS, TENANTS, services, templates

#: the longer side of a preview, in pixels (shown at half that size: sharp on 2x screens)
PREVIEW_SIDE = 320
LETTER_KINDS = frozenset(k.value for k in SIGNED_LETTER_KINDS)
SLOTS = frozenset(s.value for s in Slot)
KINDS = frozenset(k.value for k in AttachmentKind)
_FINDING_PATH = re.compile(r"attachments\[(\d+)\]")

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A small thread-safe LRU for values derived from stored objects. Keys start with the object id (the
    SHA-256 of the bytes), so an entry is right for any storage and never goes stale."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


_PAGES: Memo[str, int | None] = Memo(1024)


@dataclass(frozen=True, slots=True)
class Landscape:
    """The filing's bureau takes attachment photos in landscape only (province.attachments.landscape)."""

    bureau: str
    fix: str
    rule: str
    source: str


@dataclass(slots=True)
class Card:
    index: int
    id: str
    slot: str
    kind: str
    file: str
    object_id: str | None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    measured: bool = False  # width/height read from the uploaded file, not copied from the document
    size_bytes: int | None = None
    pages: int | None = None
    signed_on: str = ""
    missing: bool = False  # names an uploaded file this filing's owner does not have
    findings: list[dict[str, Any]] = field(default_factory=list)
    meets: list[str] = field(default_factory=list)

    @property
    def is_letter(self) -> bool:
        return self.kind in LETTER_KINDS

    @property
    def is_image(self) -> bool:
        return self.format in ("JPEG", "PNG")

    @property
    def orientation(self) -> str:
        if not (self.width and self.height) or self.format == "PDF":
            return ""
        return "横向" if self.width > self.height else "竖向" if self.width < self.height else "方形"

    @property
    def not_landscape(self) -> bool:
        return self.orientation in ("竖向", "方形")

    @property
    def size_text(self) -> str:
        if self.size_bytes is None:
            return ""
        if self.size_bytes < 1024 * 1024:
            return f"{max(1, round(self.size_bytes / 1024))} KB"
        return f"{self.size_bytes / 1048576:.1f} MB"

    @property
    def preview_size(self) -> tuple[int, int]:
        """The preview's width and height (the thumbnail keeps the aspect ratio; never enlarged)."""
        w, h = self.width or PREVIEW_SIDE, self.height or PREVIEW_SIDE
        scale = min(1.0, PREVIEW_SIDE / max(w, h))
        return max(1, round(w * scale)), max(1, round(h * scale))

    @property
    def has_errors(self) -> bool:
        return any(f.get("severity") == "error" for f in self.findings)


@dataclass(slots=True)
class UploadPanel:
    application_id: str
    version: int
    editable: bool
    may_preview: bool
    groups: list[tuple[str, list[Card]]]
    unmet: list[dict[str, Any]]
    landscape: Landscape | None
    slots: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    chosen: dict[str, str]
    max_bytes: int
    count: int = 0

    @property
    def max_mb(self) -> str:
        return f"{self.max_bytes / 1048576:.1f}".removesuffix(".0")

    @property
    def letter_kinds(self) -> str:
        return " ".join(sorted(LETTER_KINDS))

    def preview_url(self, card: Card) -> str:
        return f"/filings/{self.application_id}/attachments/{card.object_id}/preview"

    def preset_url(self, slot: str, kind: str) -> str:
        return f"/filings/{self.application_id}?" + urlencode({"step": 5, "slot": slot, "kind": kind}) + "#upload"


def landscape_rule(request: Request, document: Mapping[str, Any]) -> Landscape | None:
    """Whether the bureau that judges this document takes attachment photos in landscape only: asked of the
    catalogue (the rules in force for the filing's province and case), so an operator's override counts."""
    wf = services(request).runtime.workflow
    try:
        doc = parse_mapping(dict(document))
    except DocumentUnreadable:
        return None
    checker = wf.checker
    province = checker.province_of(doc)
    if not province:
        return None
    program_type = doc.program.type.value if isinstance(doc, FullFiling) else "mini_program"
    rules = checker.catalogue.applicable(province, doc.subject.nature.value, program_type, doc.kind,
                                         doc.submitted_on or wf.clock.today())
    for rule in rules.values():
        if rule.check == "landscape_photos" and rule.params.get("mode", "portrait") == "portrait":
            return Landscape(checker.regions.bureau(province), rule.fix, rule.id, rule.source)
    return None


def _card(request: Request, index: int, item: Mapping[str, Any], owner: str) -> Card:
    svc = services(request)
    file = str(item.get("file") or "")
    object_id = object_id_of(file)
    card = Card(index=index, id=str(item.get("id", "")), slot=str(item.get("slot", "")),
                kind=str(item.get("kind", "")), file=file, object_id=object_id,
                signed_on=str(item.get("signed_on") or ""))
    declared_w, declared_h = item.get("width"), item.get("height")
    if isinstance(declared_w, int) and isinstance(declared_h, int):
        card.width, card.height = declared_w, declared_h
    if object_id is None:
        return card
    found = svc.runtime.attachments.meta.find(object_id, owner=owner)
    if found is None:
        card.missing = True
        return card
    card.format, card.size_bytes, card.measured = str(found["format"]), int(found["size_bytes"]), True
    card.width, card.height = found["width"], found["height"]
    if card.format == "PDF":
        storage = svc.runtime.attachments.storage

        def count() -> int | None:
            try:
                return pdf_pages(storage.get(object_id))
            except NotFound:
                return None

        card.pages = _PAGES.get(object_id, count)
    return card


def _chosen(request: Request, unmet: list[dict[str, Any]]) -> dict[str, str]:
    """What the upload form preselects: the query's choice (a checklist link, a refused upload coming
    back), else the first material still missing."""
    query = request.query_params
    slot, kind = query.get("slot", ""), query.get("kind", "")
    if slot not in SLOTS or kind not in KINDS:
        first = unmet[0] if unmet else {"slot": Slot.SUBJECT_SUPPLEMENTARY.value, "kind": AttachmentKind.OTHER.value}
        slot, kind = str(first["slot"]), str(first["kind"])
    signed_on = query.get("signed_on", "")
    return {"slot": slot, "kind": kind, "signed_on": signed_on if re.fullmatch(r"\d{4}-\d{2}-\d{2}", signed_on)
            else ""}


def upload_panel(request: Request, app: Application, document: Mapping[str, Any] | None,
                 report: Mapping[str, Any] | None, who: Principal | None, editable: bool = False) -> UploadPanel:
    """The cards and the upload form of one filing, as `who` may see them (previews: the owner, reviewers
    and operators; auditors see the facts only, as in the API)."""
    document = document if isinstance(document, Mapping) else {}
    items = document.get("attachments")
    items = [a for a in items if isinstance(a, Mapping)] if isinstance(items, list) else []
    findings = list((report or {}).get("findings", []))
    requirements = list((report or {}).get("requirements", []))
    cards = [_card(request, i, item, app.owner) for i, item in enumerate(items)]
    for f in findings:
        where = _FINDING_PATH.match(str(f.get("field", "")))
        if where and int(where.group(1)) < len(cards):
            cards[int(where.group(1))].findings.append(f)
    for card in cards:
        card.meets = [str(r["reason"]) for r in requirements
                      if r.get("met") and r.get("kind") == card.kind and r.get("slot") == card.slot]
    order = {s.value: n for n, s in enumerate(Slot)}
    groups: dict[str, list[Card]] = {}
    for card in sorted(cards, key=lambda c: (order.get(c.slot, len(order)), c.index)):
        groups.setdefault(card.slot, []).append(card)
    unmet = [r for r in requirements if not r.get("met")]
    role = who.role if who else None
    return UploadPanel(
        application_id=app.id, version=app.version, editable=editable,
        may_preview=role in (*TENANTS, *REVIEWERS) if role else False,
        groups=list(groups.items()), unmet=unmet, landscape=landscape_rule(request, document),
        slots=[(s.value, label(s)) for s in Slot], kinds=[(k.value, label(k)) for k in AttachmentKind],
        chosen=_chosen(request, unmet), max_bytes=services(request).runtime.attachments.max_bytes, count=len(cards),
    )


templates.env.globals["upload_panel"] = upload_panel
