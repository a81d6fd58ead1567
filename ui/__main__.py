"""`python -m ui` and the frozen build: the same entry point as `parcel-station`."""

import sys

from station.cli import main

sys.exit(main())
