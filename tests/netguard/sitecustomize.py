"""Loaded by child processes in tests (via PYTHONPATH): refuse every non-loopback connection.

This proves the app starts, grades and drills with no route to the internet.
"""

import os

if os.environ.get("BARRAISER_BLOCK_NETWORK") == "1":
    import sys

    sys.path.insert(0, os.path.dirname(__file__))
    from netguard import install

    install()
