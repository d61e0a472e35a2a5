"""Entry point for `python -m circlue`."""

import sys

from circlue.cli import main

sys.exit(main())
