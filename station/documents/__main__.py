import sys

from station.documents.cli import main

sys.exit(main())
