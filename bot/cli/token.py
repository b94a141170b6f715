"""`make token`: mint a development token for the staff channel (what the intranet does server-side).

The secret is STAFF_JWT_SECRET, or else the development secret that `make run` keeps in
var/dev-jwt-secret. Prints the token alone on stdout, so that it can be used as
`TOKEN=$(make -s token)`. The lifetime (MINUTES, 60 by default) cannot exceed the staff channel's
maximum (STAFF_JWT_MAX_LIFETIME_MINUTES, 12 h by default).
"""

import argparse
import os
import sys

from bot.channels.staff import lifetime_text, max_lifetime_minutes, mint_token
from bot.cli.serve import DEV_JWT_SECRET, dev_jwt_secret


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Crée un jeton de développement pour le canal staff (JWT HS256).")
    parser.add_argument("--sub", default="agent@ccas.fr", help="identité de l'agent (claim « sub »)")
    parser.add_argument("--minutes", type=float, default=60, help="durée de validité en minutes")
    args = parser.parse_args(argv)
    limit = max_lifetime_minutes()
    if not 0 < args.minutes <= limit:
        print(f"--minutes : entre 0 et {limit:g} minutes ({lifetime_text(limit)}, STAFF_JWT_MAX_LIFETIME_MINUTES) : "
              "le canal staff refuse un jeton valable plus longtemps.", file=sys.stderr)
        return 2
    secret = os.environ.get("STAFF_JWT_SECRET")
    if not secret:
        if not DEV_JWT_SECRET.is_file():
            print(f"STAFF_JWT_SECRET absent : secret de développement créé dans {DEV_JWT_SECRET} "
                  "(`make run` l'utilise aussi).", file=sys.stderr)
        secret = dev_jwt_secret()
    print(mint_token(secret, args.sub, args.minutes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
