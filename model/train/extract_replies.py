"""Write the counsellor replies of dialogues.xlsx to a small CSV (dialogue_id, turn,
reply), for machines without openpyxl (the GPU image). Corpus data: keep the output
out of the repository (e.g. under .train/)."""

import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

src, dst = sys.argv[1], sys.argv[2]
with open(dst, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["dialogue_id", "turn", "reply"])
    for did, rs in sorted(common.load_replies(src).items()):
        for t, r in enumerate(rs, 1):
            w.writerow([did, t, r])
