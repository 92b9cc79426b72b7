"""Chooses the crisis model's two probabilities on the development parts, as
the bot combines the model with the rules (src/safety/crisis/learned.rs):

- `threshold`: a message no rule matched is a crisis when P(crisis) = 1 - P(none)
  is at least this. Among the values at which the model adds at most
  `--max-added-false-alarms` of the development parts' not-crisis messages and at
  most `--max-added-everyday` of everyday corpus sentences to the rules' own
  false alarms: the best development recall, then the fewest false alarms, then
  the lowest value.
- `clear_below`: a rules reading that rests on weak evidence (a borderline phrase
  the emotion did not support, the conversation, worry for someone else with no
  phrase of danger) is cleared when P(crisis) is below this: halfway between the
  median P(crisis) of everyday sentences and the lowest P(crisis) of such a
  development crisis, so none of them is cleared.

Reads what `maeum safety-eval --data FILE --readings OUT` writes (labels, the
rules' reading, the model's probabilities; never texts), for the development
parts and for everyday corpus sentences (a file of crisis: false cases), and
writes both values into config.json's `maeum.crisis_head`:

    maeum safety-eval --data tests/data/crisis/dev.jsonl --readings /tmp/dev.readings
    maeum safety-eval --data tests/data/crisis/dev2.jsonl --readings /tmp/dev2.readings
    maeum safety-eval --data EVERYDAY.jsonl --readings /tmp/everyday.readings
    python model/train/crisis_thresholds.py --dev /tmp/dev.readings /tmp/dev2.readings \
        --everyday /tmp/everyday.readings --config model/config.json

(EVERYDAY.jsonl: `python model/train/crisis_data.py --everyday-cases OUT`, sentences of
the corpus's test dialogues, beside the repository, never copied into it.) The
held-out parts are never read here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# Set-asides of the rules the model never overrides (learned.rs: raise).
STANDS = {"SetAside(Negated)", "SetAside(Topic)", "SetAside(Past)"}
# learned.rs: AFTER_RISK, where the model counts from after a risky message.
AFTER_RISK = 0.5


def load(paths: list[str]) -> list[dict]:
    return [json.loads(line) for p in paths for line in open(p, encoding="utf-8") if line.strip()]


def p_crisis(r: dict) -> float:
    return 1.0 - r["probabilities"][0]


def flagged(r: dict, threshold: float, clear_below: float) -> bool:
    """The bot's reading at these values, without the lexical model. Readings
    written since the fifteenth session say whether the model may raise the
    message at all (`raisable`) and whether a risky message came before
    (`risk_before`); older ones are read without them."""
    if r["rules"] != "none":
        return not (r["rules_weak"] and p_crisis(r) < clear_below)
    if r["rules_assessment"] in STANDS or not r.get("raisable", True):
        return False
    if r.get("risk_before", False):
        threshold = min(threshold, AFTER_RISK)
    return p_crisis(r) >= threshold


def figures(rows: list[dict], threshold: float, clear_below: float) -> dict:
    pos = [r for r in rows if r["crisis"]]
    neg = [r for r in rows if not r["crisis"]]
    caught = sum(flagged(r, threshold, clear_below) for r in pos)
    alarms = sum(flagged(r, threshold, clear_below) for r in neg)
    return {"n": len(rows), "recall": round(caught / max(1, len(pos)), 4),
            "false_alarm_rate": round(alarms / max(1, len(neg)), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", nargs="+", required=True, help="safety-eval --readings of the development parts")
    ap.add_argument("--everyday", required=True, help="safety-eval --readings of everyday corpus sentences")
    ap.add_argument("--max-added-false-alarms", type=float, default=0.015)
    ap.add_argument("--max-added-everyday", type=float, default=0.0025)
    ap.add_argument("--config", help="config.json to write the two values into (else only reported)")
    args = ap.parse_args()
    dev, everyday = load(args.dev), load([args.everyday])
    grid = [round(x * 0.01, 2) for x in range(1, 100)]

    # clear_below: halfway between what the model reads for everyday talk (the
    # median P(crisis) of the everyday sentences) and the lowest P(crisis) of a
    # development crisis the rules found on weak evidence (none of those cleared).
    weak_crises = [p_crisis(r) for r in dev if r["crisis"] and r["rules"] != "none" and r["rules_weak"]]
    calm = sorted(p_crisis(r) for r in everyday)[len(everyday) // 2]
    lowest = min(weak_crises, default=calm)
    clear_below = round((calm + lowest) / 2, 2) if lowest > calm else 0.0

    # threshold: what the model adds to the rules' false alarms stays within bounds.
    def added(rows: list[dict], t: float) -> float:
        neg = [r for r in rows if not r["crisis"]]
        base = sum(flagged(r, 1.01, clear_below) for r in neg)
        return (sum(flagged(r, t, clear_below) for r in neg) - base) / max(1, len(neg))

    # Among the thresholds within those bounds: the best development recall,
    # then the fewest false alarms, then the lowest threshold (most room for
    # phrasings the development parts lack).
    allowed = [t for t in grid if t > clear_below and added(dev, t) <= args.max_added_false_alarms
               and added(everyday, t) <= args.max_added_everyday]
    if not allowed:
        raise SystemExit("no threshold keeps the added false alarms within the bounds")
    threshold = min(allowed, key=lambda t: (-figures(dev, t, clear_below)["recall"],
                                            figures(dev, t, clear_below)["false_alarm_rate"], t))
    report = {
        "threshold": threshold,
        "clear_below": clear_below,
        "development": figures(dev, threshold, clear_below),
        "everyday": figures(everyday, threshold, clear_below),
        "rules_alone_development": figures(dev, 1.01, 0.0),
    }
    print(json.dumps(report, indent=2))
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            config = json.load(f)
        head = config["maeum"]["crisis_head"]
        head["threshold"] = threshold
        head["clear_below"] = clear_below
        head["threshold_from"] = (
            f"model/train/crisis_thresholds.py on {len(dev)} development messages and {len(everyday)} everyday "
            f"corpus sentences: the model adds at most {args.max_added_false_alarms:.1%} / "
            f"{args.max_added_everyday:.2%} false alarms to the rules' (best recall, then fewest false alarms); "
            f"clear_below halfway between everyday talk and the least sure weak development crisis")
        head["figures_with_rules"] = {k: report[k] for k in ("development", "everyday")}
        common.write_json(args.config, config)
        print(f"wrote threshold and clear_below into {args.config}")


if __name__ == "__main__":
    main()
