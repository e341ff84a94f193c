"""Export a micro-credential to ELM (European Digital Credentials) and read it back.

Run: python examples/export_elm.py [OUT_FILE]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import microcred as mc
from microcred.model import MicroCredential
from microcred.model.elm import from_elm

HERE = Path(__file__).resolve().parent


def main(out_file: Path) -> None:
    form = json.loads((HERE / "data" / "annex-i-da123a.json").read_text(encoding="utf-8"))
    form["issuer"]["id"] = "did:web:exempel-universitet.example"
    micro = MicroCredential.model_validate(form)
    elm = micro.to_elm()
    out_file.write_text(json.dumps(elm, indent=2, ensure_ascii=False))
    report = mc.validate(elm, "elm")
    print(f"{out_file}: {'valid' if report.valid else report.problems}")
    back = from_elm(elm)
    print("elements read back:", 16 - len(back.missing) - (5 - len(back.present_optional)), "of 16")
    assert report.valid
    assert back.missing == []


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("credential.elm.json"))
