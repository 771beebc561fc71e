"""`python -m cli`: the `pishkhan` command line."""

from cli.main import app

app()
