"""Issue a Swedish course result as an EU micro-credential (Open Badges 3.0), two ways.

Run: python examples/issue_microcredential.py [OUT_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import microcred as mc
from microcred.model import MicroCredential

HERE = Path(__file__).resolve().parent


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    key = mc.keys.generate("Ed25519")  # in production: load the university's key file
    form = json.loads((HERE / "data" / "annex-i-da123a.json").read_text(encoding="utf-8"))
    micro = MicroCredential.model_validate(form)
    if micro.missing:
        raise SystemExit(f"incomplete micro-credential: {', '.join(micro.missing)}")
    unsigned = micro.to_ob3(issuer_id=key.did).to_json()
    signed = mc.issue(unsigned, key)  # Data Integrity, eddsa-rdfc-2022
    token = mc.issue(unsigned, key, format="jwt")  # OB 3.0 VC-JWT
    (out_dir / "credential.json").write_text(json.dumps(signed, indent=2, ensure_ascii=False))
    (out_dir / "credential.jwt").write_text(token + "\n")
    for name, credential in (("credential.json", signed), ("credential.jwt", token)):
        report = mc.verify(credential, profile="eu-microcredential")
        print(f"{name}: {report.outcome}")
        assert report.verified


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out"))
