"""Stack one learner's micro-credentials into a CLR 2.0 record and verify it all.

Run: python examples/stack_clr.py
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import microcred as mc
from microcred.model import MicroCredential
from microcred.model.clr import stack

HERE = Path(__file__).resolve().parent


def main() -> None:
    university = mc.keys.generate("Ed25519")
    form = json.loads((HERE / "data" / "annex-i-da123a.json").read_text(encoding="utf-8"))
    form["learner"]["id"] = "did:example:tolvan"
    parts = []
    for code, title, hp in (("DA123A", "Machine learning", 7.5), ("DA124B", "Deep learning", 7.5)):
        course = copy.deepcopy(form)
        course.update(code=code, title={"en": title}, workload={"hp": hp})
        micro = MicroCredential.model_validate(course)
        parts.append(mc.issue(micro.to_ob3(issuer_id=university.did).to_json(), university))
    record = mc.issue(
        stack(parts, issuer=university.did, valid_from=parts[0]["validFrom"]), university
    )
    report = mc.verify(record)
    print(record["description"], "->", report.outcome, [r.outcome for r in report.credentials])
    assert report.verified


if __name__ == "__main__":
    main()
