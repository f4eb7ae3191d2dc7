"""Writes pairs.csv: SYNTHETIC outcomes of four fictional models on the 40 question pairs of this
folder (see README.md). Nothing here was measured; the numbers only exercise `judgekit consistency`.
Run from the repository root: python3 data/reformulation-sample/make_pairs.py (standard library only).
"""
import csv
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = [1, 1, 4, 4]  # Med-CMR: consistency, coherence, visual accuracy, ground-truth correctness
DIMS = ["consistency", "coherence", "visual_accuracy", "ground_truth"]

# (model, P(MCQ right), mean raw 0-4 level of the open-ended dimensions): the fine-tunes are
# built to lose on MCQ and hold level on open-ended questions, the pattern Med-CMR reports.
MODELS = [
    ("demo-general-7b", 0.62, 2.2),
    ("demo-medical-7b", 0.42, 2.3),
    ("demo-general-32b", 0.72, 2.6),
    ("demo-medical-32b", 0.55, 2.5),
]


def main():
    rng = random.Random(20260106)
    items = [json.loads(line) for line in open(os.path.join(HERE, "open.jsonl"))]
    rows = []
    for model, p_mcq, level in MODELS:
        for i, it in enumerate(items):
            knows = rng.random()  # shared by both forms of one item: the forms agree more than chance
            mcq = 1 if knows < p_mcq else 0
            dims = [max(0, min(4, round(rng.gauss(level + (0.8 if knows < 0.5 else -0.6), 0.9)))) for _ in DIMS]
            score = sum(w * d for w, d in zip(WEIGHTS, dims)) / sum(WEIGHTS) * 25
            mcq_cell, open_cell, dim_cells = str(mcq), f"{score:g}", [str(d) for d in dims]
            if model == "demo-medical-7b" and i in (6, 23):
                open_cell, dim_cells = "", [""] * 4  # the judge failed on these: missing, not wrong
            if model == "demo-general-32b" and i == 31:
                mcq_cell = ""  # no MCQ answer could be read
            rows.append([it["pair_id"], model, mcq_cell, open_cell, it.get("task", "")] + dim_cells)
    with open(os.path.join(HERE, "pairs.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["pair_id", "model", "mcq_correct", "open_correct", "task"] + [f"dim_{d}" for d in DIMS])
        w.writerows(rows)


if __name__ == "__main__":
    main()
