"""The two error types of the sandbox: a Bot API error answer and a control API misuse."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status == ``error_code``, like the real servers."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class ControlError(Exception):
    """An error of the control API (``/sandbox/...``): a misuse by a test or the web page."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def chat_not_found() -> ApiError:
    return ApiError(400, "Bad Request: chat not found")
