"""Bar Raiser web app: build services, build the UI, launch."""

import sys

from agents.config import load_settings
from agents.drill.sessions import SessionStoreError
from agents.logging_setup import configure_logging
from agents.services import build_services
from agents.ui.app import launch

if __name__ == "__main__":
    settings = load_settings()
    configure_logging(settings)
    try:
        services = build_services(settings)
    except SessionStoreError as e:  # a bad database URL or an unreachable server: one line
        sys.exit(f"barraiser: {e}")
    launch(services)
