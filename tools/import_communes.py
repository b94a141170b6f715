"""Write knowledge/donnees/communes.csv from the APL zoning shipped in the openfisca-france wheel.

    .venv/bin/pip download --no-deps openfisca-france==176.1.8 -d .cache/openfisca
    .venv/bin/python tools/import_communes.py .cache/openfisca/openfisca_france-176.1.8-py3-none-any.whl

The wheel is read as a zip (never installed). The file lists every commune (code INSEE, name as of
2014, département) with its APL zone (arrêté du 17 mars 1978, version of 14/09/2011), which the bot
uses to recognise communes in messages and to place a dwelling in a Visale zone (docs/rules.md).
"""

import csv
import io
import sys
import zipfile
from pathlib import Path

SOURCE = "openfisca_france/assets/apl/20110914_zonage.csv"
OUT = Path(__file__).resolve().parents[1] / "knowledge" / "donnees" / "communes.csv"


def main(wheel: str) -> int:
    rows = csv.DictReader(io.StringIO(zipfile.ZipFile(wheel).read(SOURCE).decode("utf-8")))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code_insee", "nom", "departement", "zone_apl"])
        for row in rows:
            writer.writerow([row["CODGEO"], row["LIBCOM_2014"], row["DEP"], row["Zonage"]])
    print(f"{OUT} written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
