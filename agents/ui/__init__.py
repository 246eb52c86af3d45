"""The web page (Gradio): app.py assembles one module per tab over plain handler functions.

May import services, privacy and every feature package below them; never cli.
"""
