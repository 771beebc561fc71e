"""``python -m sandbox [--port N]``: see :mod:`sandbox.main`."""

from sandbox.main import main

main()
