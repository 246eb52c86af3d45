"""Bar Raiser web app: build services, build the UI, launch."""

from agents.config import load_settings
from agents.services import build_services
from agents.ui import launch

if __name__ == "__main__":
    launch(build_services(load_settings()))
