"""Measure linking against FRUS's own encoded links: `fonds eval links VOLUME.xml`.

For each `div[@type="document"]` the text is taken with its `persName`
markup stripped (headings, paragraphs, lists, signatures and footnotes, each
block on its own line). The volume's persons list (`div[@xml:id="persons"]`)
becomes the authority, each entry enriched with the curated variants of the
same person. fonds links the plain text and each link is compared with
FRUS's `persName/@corresp`:

- a link is right when it overlaps a FRUS `persName` that points to the same
  person (span overlap, one to one): position matters, so a name found in the
  wrong place does not make up for one missed;
- a FRUS `persName` without `@corresp` (FRUS marked a name but did not say
  who) is left out of the count both ways;
- role words (`the Ambassador`) are not scored: FRUS does not encode them.

Precision, recall and F1 are micro-averaged over the volume's documents.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from fonds.authority import Entity, load_curated
from fonds.linking import Matcher, build_matcher, link_text
from fonds.variants import complete, merge_curated

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_BLOCKS = {"p", "head", "item", "note", "signed", "dateline", "closer", "opener", "salute", "cell", "row", "label", "list"}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    person: str | None  # the persons-list xml:id, or None where FRUS gives no @corresp


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    spans: tuple[Span, ...]


@dataclass
class EvalResult:
    precision: float
    recall: float
    f1: float
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self, volume: str) -> list[str]:
        c = self.counts
        return [
            f"{volume}: precision {self.precision:.3f}, recall {self.recall:.3f}, F1 {self.f1:.3f}",
            f"  {c.get('documents', 0)} documents, {c.get('gold', 0)} FRUS links, {c.get('predicted', 0)} fonds links, "
            f"{c.get('true_positive', 0)} agree, {c.get('false_positive', 0)} extra, {c.get('false_negative', 0)} missed, "
            f"{self.seconds:.2f} s",
        ]


def read_volume(path: str | Path) -> tuple[list[Entity], list[Document]]:
    """The persons list as entities (ids are the xml:ids) and the documents as plain text with FRUS's spans."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.parse(str(path), parser).getroot()
    entities = []
    for div in root.iter(f"{TEI}div"):
        if div.get(XML_ID) != "persons":
            continue
        for name in div.iter(f"{TEI}persName"):
            xml_id = name.get(XML_ID)
            if xml_id:
                printed = " ".join("".join(name.itertext()).split())
                item = name.getparent()
                while item is not None and item.tag != f"{TEI}item":
                    item = item.getparent()
                description = " ".join("".join(item.itertext()).split()) if item is not None else ""
                entities.append(Entity(id=xml_id, preferred=printed, description=description or None))
    documents = [_document(div) for div in root.iter(f"{TEI}div") if div.get("type") == "document"]
    return entities, documents


def _document(div: etree._Element) -> Document:
    parts: list[str] = []
    spans: list[Span] = []
    length = 0

    def emit(text: str | None) -> None:
        nonlocal length
        if text:
            parts.append(text)
            length += len(text)

    def walk(element: etree._Element) -> None:
        tag = element.tag.replace(TEI, "") if isinstance(element.tag, str) else ""
        block = tag in _BLOCKS
        if block:
            emit("\n")
        start = length
        emit(element.text)
        for child in element:
            walk(child)
            emit(child.tail)
        if tag == "persName":
            corresp = (element.get("corresp") or "").strip()
            person = corresp.split()[0].lstrip("#") if corresp else None
            spans.append(Span(start, length, person))
        if block:
            emit("\n")

    walk(div)
    return Document(div.get(XML_ID) or "", "".join(parts), tuple(spans))


def volume_matcher(entities: list[Entity], *, others: bool = False) -> Matcher:
    """A matcher over the volume's persons list with curated variants merged in, plus the curated
    persons the list lacks (so that `President Johnson` in a volume without him is not U. Alexis
    Johnson); role links off."""
    curated = complete(load_curated())
    merged = complete(merge_curated(entities, curated))
    claimed = {source for e in merged for source in e.sources}
    unlisted = tuple(e for e in curated if f"curated: {e.id}" not in claimed) if others else ()
    return build_matcher(merged + unlisted, generated=True, resolve_roles=False)


# An editor's review decisions, as the evaluation sees them: (document xml:id, person xml:id,
# the spelling linked) -> "accepted" or "rejected" (see review_decisions in cli/authority.py).
Decisions = dict[tuple[str, str, str], str]


def evaluate_links(volume_path: str | Path, decisions: Decisions | None = None) -> EvalResult:
    """Link a FRUS volume's documents with its markup stripped and compare with FRUS's own links.

    With `decisions`, links an editor rejected are left out first: the figures after review."""
    started = time.perf_counter()
    entities, documents = read_volume(volume_path)
    matcher = volume_matcher(entities)
    matcher.priors = _priors(documents, matcher)
    tp = fp = fn = predicted_total = gold_total = 0
    for document in documents:
        links = link_text(document.text, matcher)
        gold = [s for s in document.spans if s.person]
        unknown = [s for s in document.spans if not s.person]
        matched_gold: set[int] = set()
        listed = {e.id for e in entities}
        for link in links:
            assert link.start is not None and link.end is not None
            if link.id not in listed:
                continue  # a curated person the volume does not list: FRUS cannot have encoded him
            if decisions and decisions.get((document.id, link.id, link.text or "")) == "rejected":
                continue
            hit = next(
                (i for i, s in enumerate(gold) if i not in matched_gold and s.person == link.id
                 and s.start < link.end and link.start < s.end),
                None,
            )
            if hit is not None:
                matched_gold.add(hit)
                tp += 1
                predicted_total += 1
            elif any(s.start < link.end and link.start < s.end for s in unknown):
                continue
            else:
                fp += 1
                predicted_total += 1
        fn += len(gold) - len(matched_gold)
        gold_total += len(gold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    counts = {
        "documents": len(documents),
        "gold": gold_total,
        "predicted": predicted_total,
        "true_positive": tp,
        "false_positive": fp,
        "false_negative": fn,
    }
    return EvalResult(precision, recall, f1, counts, time.perf_counter() - started)


def _priors(documents: list[Document], matcher: Matcher) -> dict[str, int]:
    """How often each person is named in full across the volume: decides a family name nothing else resolves."""
    counts: dict[str, int] = {}
    for document in documents:
        for mention in matcher.mentions(document.text):
            if mention.is_full and len(mention.candidates) == 1:
                counts[mention.candidates[0]] = counts.get(mention.candidates[0], 0) + 1
    return counts
