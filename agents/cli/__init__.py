"""The `barraiser` command: main.py parses and dispatches, one module per subcommand.

The top layer: may import anything in agents (ui only to launch the page); nothing imports it.
"""
