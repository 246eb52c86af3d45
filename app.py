"""Bar Raiser web app: build services, build the UI, launch."""

from agents.config import load_settings
from agents.logging_setup import configure_logging
from agents.services import build_services
from agents.ui.app import launch

if __name__ == "__main__":
    settings = load_settings()
    configure_logging(settings)
    launch(build_services(settings))
