"""OpenAPI: every operation documents the errors every operation can give, in the one shape
``api.errors`` gives them."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the caller's language."},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True, "description": "Per field, for 400."},
    },
    "required": ["detail"],
}
ALWAYS = {
    "400": "Bad input (a field, a parameter or the page number); nothing was written.",
    "401": "No valid token or session, or the session has expired.",
    "403": "Not allowed for your role, or no second factor set up yet.",
    "404": "No such object, or none you may see (the two answers are the same).",
    "406": "The Accept header asks for something other than JSON.",
}
WRITES = {
    "409": "The Idempotency-Key was used for another request, or the write conflicts with the current state.",
    "415": "The body is not JSON, form or multipart data.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = dict(ALWAYS)
            if method in {"post", "put", "patch"}:
                codes.update(WRITES)
            for code, description in codes.items():
                operation["responses"].setdefault(code, {"description": description, "content": content})
    return result
