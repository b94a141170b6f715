import sys

from bot.bench.run import main

sys.exit(main())
