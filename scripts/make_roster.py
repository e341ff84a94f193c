#!/usr/bin/env python3
"""Write a fictitious course roster (CSV) for ``microcred batch-issue``.

Every person is invented: names are drawn from short lists, personal identity numbers are
generated with a valid check digit for dates in the past (they belong to nobody on purpose:
the serial numbers are random), Ladok UIDs are derived UUIDs and e-mail addresses use the
reserved ``example`` domain. ``--malformed N`` makes N rows unusable in known ways (a wrong
check digit, a grade not on the scale, an impossible award date, no learner identification,
an unknown country for the national id) so that error reporting can be tested, and
``--failing N`` gives N learners a fail (``U``), which ``batch-issue`` skips. Every learner is
another person: no personal number, e-mail or Ladok UID is given twice. ``--ladok`` writes the
file as a Swedish Ladok result export does (``Namn;Personnummer;E-post;ExterntUID;Betyg;
Examinationsdatum``, semicolons, CRLF line ends, a UTF-8 BOM).

Usage::

    python scripts/make_roster.py --rows 1000 --malformed 5 --seed 1 -o roster.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

FIRST = [
    "Alva", "Elsa", "Maja", "Noah", "Liam", "Hugo", "Ebba", "Ella",
    "Leo", "Vera", "Alice", "Olle", "Saga", "Nils", "Ines", "Omar",
]  # fmt: skip
LAST = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson",
    "Larsson", "Olsson", "Persson", "Svensson", "Holm",
]  # fmt: skip
GRADES = ["G", "G", "VG"]  # passing grades; --failing adds U
COLUMNS = ["name", "national_id", "email", "ladok_uid", "grade", "awarded"]
LADOK_HEADERS = ["Namn", "Personnummer", "E-post", "ExterntUID", "Betyg", "Examinationsdatum"]
_NAMESPACE = uuid.UUID("7d4a1f0e-3c2b-4a5d-9e8f-1a2b3c4d5e6f")


def luhn_digit(nine: str) -> int:
    """The check digit of a personal identity number's first nine digits (YYMMDDNNN)."""
    total = 0
    for position, char in enumerate(nine):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def personal_number(rng: random.Random) -> str:
    """A well-formed personal identity number (YYYYMMDD-NNNC) for an invented person."""
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
    serial = f"{rng.randrange(0, 1000):03d}"
    nine = f"{born:%y%m%d}{serial}"
    return f"{born:%Y%m%d}-{serial}{luhn_digit(nine)}"


def rows(count: int, malformed: int, seed: int, failing: int = 0) -> list[dict[str, str]]:
    """``count`` rows of different learners; ``malformed`` of them (spread evenly) broken in
    different ways, ``failing`` others (spread evenly) graded ``U``."""
    rng = random.Random(seed)
    result = []
    numbers: set[str] = set()
    for index in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        number = personal_number(rng)
        while number in numbers:
            number = personal_number(rng)
        numbers.add(number)
        result.append(
            {
                "name": f"{first} {last}",
                "national_id": number,
                "email": f"{first.lower()}.{last.lower()}.{index}@student.example",
                "ladok_uid": str(uuid.uuid5(_NAMESPACE, f"{seed}-{index}")),
                "grade": rng.choice(GRADES),
                "awarded": "2026-06-10",
            }
        )
    breakages = [
        ("national_id", lambda v: v[:-1] + str((int(v[-1]) + 1) % 10)),  # wrong check digit
        ("grade", lambda v: "MVG"),  # not on the U/G/VG scale
        ("awarded", lambda v: "2026-02-30"),  # impossible date
        ("name", lambda v: ""),  # together with the next: no identification left
        ("national_id", lambda v: "not-a-number"),
    ]
    step = max(1, count // max(1, malformed))
    broken = set()
    for number in range(malformed):
        position = min(count - 1, number * step + step // 2)
        broken.add(position)
        row = result[position]
        column, breaker = breakages[number % len(breakages)]
        row[column] = breaker(row[column])
        if column == "name":
            row.update(national_id="", email="", ladok_uid="")
    whole = [position for position in range(count) if position not in broken]
    step = max(1, len(whole) // max(1, failing))
    for position in whole[step // 2 :: step][:failing]:
        result[position]["grade"] = "U"
    return result


def main(argv: list[str] | None = None) -> int:
    """Write the CSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--malformed", type=int, default=0)
    parser.add_argument("--failing", type=int, default=0, help="rows graded U")
    parser.add_argument("--ladok", action="store_true", help="as a Swedish Ladok export")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    made = rows(args.rows, args.malformed, args.seed, args.failing)
    if args.ladok:
        renamed = dict(zip(COLUMNS, LADOK_HEADERS, strict=True))
        made = [{renamed[k]: v for k, v in row.items()} for row in made]
    encoding = "utf-8-sig" if args.ladok else "utf-8"
    with args.output.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(
            handle,
            fieldnames=LADOK_HEADERS if args.ladok else COLUMNS,
            delimiter=";" if args.ladok else ",",
            lineterminator="\r\n" if args.ladok else "\n",
        )
        writer.writeheader()
        writer.writerows(made)
    print(
        f"wrote {args.rows} rows ({args.malformed} malformed, {args.failing} failing) "
        f"to {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
