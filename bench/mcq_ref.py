"""numpy reference for bench/mcq.bench.ts: the same MCQ computation written the way a Python
researcher would, to time judgekit against. Reads DIR/items.jsonl and DIR/responses.jsonl; extracts
letters with Python `re` following the cascade of src/mcq/extract.ts (the main rules, not every
corner: the bench reports the agreement); then per model micro accuracy overall and by task, organ
system and modality, with item-bootstrap percentile intervals (numpy: indices drawn per resample,
the same indices for every model of a group, counts by a multiplicity matrix product).

Usage: /usr/bin/python3 bench/mcq_ref.py DIR RESAMPLES SEED  (prints timings as JSON on stdout)"""
import json
import re
import resource
import sys
import time
import unicodedata

import numpy as np

NEG_BEFORE = re.compile(r"(?:\bnot|\bno|n't|\bexclude[sd]?|\brule[sd]? out|\bunlike|\brather than|\binstead of|\bexcept)\s*(?:(?:a|an|the|option|choice)\s+)*[(\[]?\s*$", re.I)
NEG_AFTER = re.compile(r"^[\s)\].:]*(?:(?:is|was|seems|appears|would be|are)\s+)?(?:not\b|incorrect|wrong|unlikely|less likely|excluded|ruled out|false)", re.I)
BARE = re.compile(r"^[\s(\[{<\"']*([A-Za-z])[\s)\]}>\"'.:;,!。]*$")
MARKER = re.compile(r"(?:\b(?:final\s+|correct\s+)?answer\s*[:=]|答案\s*[:是为])", re.I)
HEAD = re.compile(r"^[\s\"']*(?:(?:option|choice)\s*)?[(\[{]?\s*(?:\\boxed\s*\{\s*)?([A-Za-z])(?![A-Za-z0-9])", re.I)
BOXED = re.compile(r"\\boxed\s*\{\s*(?:\\text\s*\{\s*)?\(?\s*([A-Za-z])(?![A-Za-z0-9])")
ANSWER_IS = re.compile(r"\b(?:answer|option|choice)\s+(?:is|would\s+be|should\s+be)\s*:?\s*(?:option\s+)?[(\[]?\s*([A-Za-z])(?![A-Za-z0-9])"
                       r"|\b(?:therefore|thus|hence|so)\s*,?\s*[(\[]?\s*([A-Z])(?![A-Za-z0-9])", re.I)
OPTION_WORD = re.compile(r"\b(?:option|choice)\b\s*[(\[]?\s*([A-Za-z])(?![A-Za-z0-9])", re.I)
LEADING = re.compile(r"^[\s(\[{\"']*([A-Za-z])(?:[.):,\-]|\s*$|\s*\n)")
MARKED = re.compile(r"\(([A-Z])\)|^[ \t]*([A-Z])[.)](?=\s|$)", re.M)
LONE = re.compile(r"^[ \t(\[{]*([A-Za-z])[ \t)\]}.:]*$", re.M)
LIST = re.compile(r"^[\s)\]]*(?:,|/|&|\bor\b|\band\b)\s*[(\[]?\s*([A-Za-z])(?![A-Za-z0-9])", re.I)
WORDS = re.compile(r"[^\w]+|_+")


def norm_text(s):
    return " ".join(WORDS.sub(" ", unicodedata.normalize("NFKC", s).lower()).split())


def listed(t, end, first):
    m = LIST.match(t[end:end + 40])
    return m is not None and m.group(1).upper() != first.upper() and m.group(1).isupper() == first.isupper()


def ends_ok(t, end, letter):
    nxt = t[end:end + 1]
    if nxt == "" or nxt == "\n" or not (nxt.isascii() and (nxt.isalnum() or nxt in " \t'_")):
        return True
    rest = t[end:].lstrip(" \t")
    return rest == "" or rest[0] == "\n" or (not rest[0].isalnum()) or (letter.isupper() and rest.split(None, 1)[0].lower() in ("or", "and", "not", "is", "because", "since"))


def rules(t, letters, texts):
    # returns (letter or None, rule) ; letter None + rule ambiguous/no_answer
    hits = [(m.group(1), m.end(1)) for m in BOXED.finditer(t)]
    if hits:
        return hits[-1][0].upper(), "boxed"
    last = None
    for m in ANSWER_IS.finditer(t):
        g = 1 if m.group(1) else 2
        if ends_ok(t, m.end(g), m.group(g)):
            last = (m.group(g), m.end(g))
    if last:
        return (None, "ambiguous") if listed(t, last[1], last[0]) else (last[0].upper(), "answer_is")
    seen = {m.group(1).upper() for m in OPTION_WORD.finditer(t) if not (NEG_BEFORE.search(t[max(0, m.start() - 28):m.start()]) or NEG_AFTER.match(t[m.end():m.end() + 40]))}
    if seen:
        return (seen.pop(), "option_word") if len(seen) == 1 else (None, "ambiguous")
    m = LEADING.match(t)
    if m and m.group(1).upper() in letters:
        return (None, "ambiguous") if listed(t, m.end(1), m.group(1)) else (m.group(1).upper(), "leading_letter")
    seen = {(m.group(1) or m.group(2)) for m in MARKED.finditer(t)} & letters
    if seen:
        return (seen.pop(), "marked_letter") if len(seen) == 1 else (None, "ambiguous")
    seen = {m.group(1).upper() for m in LONE.finditer(t)} & letters
    if seen:
        return (seen.pop(), "lone_letter") if len(seen) == 1 else (None, "ambiguous")
    n = norm_text(t)
    found = {L for L, x in texts.items() if x and (n == x or f" {x} " in f" {n} ")}
    if found:
        return (found.pop(), "option_text") if len(found) == 1 else (None, "ambiguous")
    return None, "no_answer"


def extract(out, letters, texts):
    if not out.strip():
        return None, "empty"
    t = unicodedata.normalize("NFKC", out) if not out.isascii() else out
    if "</think>" in t:
        after = t[t.rfind("</think>") + 8:]
        t = after if after.strip() else t
    elif "<think>" in t:
        return None, "unfinished_thinking"
    t = re.sub(r"[*`$]+", "", t)
    m = BARE.match(t)
    if m:
        return m.group(1).upper(), "bare"
    marks = list(MARKER.finditer(t))
    if marks:
        seg = t[marks[-1].end():].split("\n")
        line = seg[0] if seg[0].strip() else next((s for s in seg[1:] if s.strip()), "")
        h = HEAD.match(line)
        if h and ends_ok(line, h.end(1), h.group(1)):
            return (None, "ambiguous") if listed(line, h.end(1), h.group(1)) else (h.group(1).upper(), "answer_line")
        return rules(line, letters, texts)
    return rules(t, letters, texts)


def main():
    d, resamples, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    t0 = time.perf_counter()
    items = {}
    order = []
    with open(f"{d}/items.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                it = json.loads(line)
                items[it["id"]] = it
                order.append(it["id"])
    with open(f"{d}/responses.jsonl", encoding="utf-8") as f:
        responses = [json.loads(line) for line in f if line.strip()]
    t1 = time.perf_counter()

    index = {iid: i for i, iid in enumerate(order)}
    prepared = {iid: (set(it["options"]), {L: norm_text(x) for L, x in it["options"].items()}) for iid, it in items.items()}
    models = list(dict.fromkeys(r["model"] for r in responses))
    mi = {m: k for k, m in enumerate(models)}
    correct = np.zeros((len(models), len(order)), dtype=np.float64)
    letters_out = []
    for r in responses:
        letters, texts = prepared[r["item_id"]]
        letter, rule = extract(r["output"], letters, texts)
        if letter is not None and letter not in letters:
            letters_out.append("!")
        elif letter is None:
            letters_out.append("-")
        else:
            letters_out.append(letter)
            if letter == items[r["item_id"]]["answer"]:
                correct[mi[r["model"]], index[r["item_id"]]] = 1.0
    t2 = time.perf_counter()

    rng = np.random.default_rng(seed)
    result = {m: {"by_task": {}, "by_organ_system": {}, "by_modality": {}} for m in models}
    for family in ("overall", "task", "organ_system", "modality"):
        groups = {}
        for iid in order:
            key = "" if family == "overall" else (items[iid].get(family) or "(none)")
            groups.setdefault(key, []).append(index[iid])
        for key, ids in groups.items():
            ids = np.asarray(ids)
            n = len(ids)
            C = correct[:, ids]  # models × n
            counts = np.empty((resamples, len(models)))
            chunk = max(1, min(resamples, 4_000_000 // n))
            for b0 in range(0, resamples, chunk):
                b1 = min(resamples, b0 + chunk)
                idx = rng.integers(0, n, size=(b1 - b0, n))
                flat = (idx + (np.arange(b1 - b0) * n)[:, None]).ravel()
                mult = np.bincount(flat, minlength=(b1 - b0) * n).reshape(b1 - b0, n).astype(np.float64)
                counts[b0:b1] = mult @ C.T
            lo, hi = np.percentile(counts / n, [2.5, 97.5], axis=0)
            acc = C.mean(axis=1)
            for k, m in enumerate(models):
                g = {"n": n, "accuracy": float(acc[k]), "ci_low": float(lo[k]), "ci_high": float(hi[k])}
                if family == "overall":
                    result[m].update(g)
                else:
                    result[m]["by_" + family][key] = g
    t3 = time.perf_counter()
    with open(f"{d}/py_letters.txt", "w") as f:
        f.write("".join(letters_out))
    with open(f"{d}/py_result.json", "w") as f:
        json.dump({"models": result}, f)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"read_s": t1 - t0, "extract_s": t2 - t1, "bootstrap_s": t3 - t2, "compute_s": t3 - t0, "max_rss_mb": rss}))


if __name__ == "__main__":
    main()
