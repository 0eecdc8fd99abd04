import sys

from qa.cli import main

if __name__ == "__main__":  # not when a spawned helper process (qa.preflight) imports it as __mp_main__
    sys.exit(main())
