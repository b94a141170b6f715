"""`python -m bot.rasa_components <arguments of rasa>`: Rasa's own command line (`run`, `train`, `test`…),
with the project's changes to Rasa installed first (`bot.rasa_components.install`).

`make run` and the tests' stack start the Rasa server this way (bot/cli/serve.py), as does
docs/deploy/compose.yml. `rasa run` serves with one Sanic worker in this process, so what is installed
here is what serves. Training needs nothing installed: Rasa imports the components by the module paths
of config.yml, which registers them.
"""

import sys
from typing import List, Optional

from bot.rasa_components import install


def main(argv: Optional[List[str]] = None) -> None:
    install()
    from rasa.__main__ import main as rasa_main
    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
