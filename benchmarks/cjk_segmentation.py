"""CJK segmentation compared: bigrams (what fonds indexes) against jieba's dictionary segmenter.

Measures, on the shared Chinese text (../shared/corpus/translations/udhr/udhr_cmn_hans.xml, one
document per paragraph): postings, distinct terms, index bytes, and recall, i.e. the share of
(word, paragraph holding it) pairs a search finds, for jieba's own words and for any stretch of
2-4 characters inside a longer run. Not part of `make bench`: it needs jieba, which fonds does
not depend on (`pip install jieba`). Run: PYTHONPATH=src python -m benchmarks.cjk_segmentation
"""

import random
import re
import shutil
import tempfile
import time
from pathlib import Path

import jieba  # type: ignore[import-not-found]
import tantivy

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(tempfile.mkdtemp(prefix="fonds-cjk-"))
jieba.setLogLevel(60)
from fonds.analysis import cjk_field_text, CJK_RUN, fold_han
xml = (ROOT.parent / "shared" / "corpus" / "translations" / "udhr" / "udhr_cmn_hans.xml").read_text()
paras = [fold_han(p) for p in re.findall(r"<para>(.*?)</para>", xml)]
print("paragraphs", len(paras), "chars", sum(map(len, paras)))
def jieba_text(t): return " ".join(w for w in jieba.cut_for_search(t) if CJK_RUN.fullmatch(w))
def jieba_query(t): return [w for w in jieba.cut(t) if CJK_RUN.fullmatch(w)]
random.seed(1)
runs = [r for p in paras for r in CJK_RUN.findall(p) if len(r) >= 4]
words = set()
for p in paras:
    words.update(w for w in jieba.cut(p) if len(w) >= 2 and CJK_RUN.fullmatch(w))
subs = set()
while len(subs) < 300:
    r = random.choice(runs); n = random.choice((2, 3, 4)); i = random.randrange(0, len(r) - n + 1); subs.add(r[i:i+n])
def build(kind):
    path = WORK / kind; shutil.rmtree(path, ignore_errors=True); path.mkdir()
    sb = tantivy.SchemaBuilder(); sb.add_text_field("t", stored=False, tokenizer_name="ws"); sb.add_integer_field("n", stored=True, indexed=True)
    schema = sb.build(); ix = tantivy.Index(schema, path=str(path)); ix.register_tokenizer("ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    w = ix.writer(heap_size=50_000_000, num_threads=1)
    t0 = time.time(); postings = 0; terms = set()
    for i, p in enumerate(paras):
        text = cjk_field_text(p) if kind == "bigram" else jieba_text(p)
        toks = text.split(); postings += len(toks); terms.update(toks)
        w.add_document(tantivy.Document(t=text, n=i))
    w.commit(); w.wait_merging_threads(); ix.reload(); took = time.time() - t0
    size = sum(f.stat().st_size for f in path.iterdir())
    return ix, schema, postings, len(terms), size, took
def recall(kind, ix, schema, queries):
    s = ix.searcher(); found = expected = 0
    for q in queries:
        truth = {i for i, p in enumerate(paras) if q in p}
        toks = [g for run in CJK_RUN.findall(q) for g in (cjk_field_text(run).split())] if kind == "bigram" else jieba_query(q)
        if not toks: expected += len(truth); continue
        query = tantivy.Query.term_query(schema, "t", toks[0]) if len(toks) == 1 else tantivy.Query.phrase_query(schema, "t", toks)
        hits = {s.doc(a)["n"][0] for _, a in s.search(query, limit=1000).hits}
        found += len(truth & hits); expected += len(truth)
    return found / expected
for kind in ("bigram", "jieba"):
    ix, schema, postings, terms, size, took = build(kind)
    print(f"{kind}: postings {postings}, distinct terms {terms}, index {size} bytes, built in {took:.2f}s; "
          f"recall on jieba's own words {recall(kind, ix, schema, sorted(words)):.3f} ({len(words)}), "
          f"on any 2-4 character stretch {recall(kind, ix, schema, sorted(subs)):.3f} ({len(subs)})")
shutil.rmtree(WORK, ignore_errors=True)
