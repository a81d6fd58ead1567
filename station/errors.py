"""Domain errors: a stable code for programs, a message a clerk can act on."""

from __future__ import annotations

from typing import Any


class StationError(Exception):
    """Something the station refuses. `code` is stable (CLI JSON, tests); `message` tells the
    clerk what happened and what to do next."""

    code = "refused"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.details = details

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.details:
            data["details"] = self.details
        return data


class NotFound(StationError):
    code = "not_found"


class Duplicate(StationError):
    code = "duplicate"


class InvalidInput(StationError):
    code = "invalid"


class NotAllowed(StationError):
    code = "not_allowed"


class Conflict(StationError):
    """The world changed under the request (another counter got there first)."""

    code = "conflict"


class DatabaseProblem(StationError):
    code = "database"
