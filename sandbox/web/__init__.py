"""Static files of the sandbox's web chat page (served by :mod:`sandbox.webpage`).

A package only so that installing the project ships ``index.html``, ``chat.js`` and ``chat.css``.
"""
