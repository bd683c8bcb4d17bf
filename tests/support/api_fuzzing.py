"""Helpers of the schemathesis run: the user's tokens, real resources, and the case tally."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

import schemathesis

from tests.conftest import AuthHelper

# Operations that take a refresh token as Bearer instead of an access token.
REFRESH_TOKEN_PATHS = {"/api/v1/auth/refresh", "/api/v1/auth/logout"}
QUESTION = "트랜스포머의 셀프 어텐션은 무엇인가요?"


@schemathesis.deserializer("application/x-ndjson")
def ndjson_lines(_ctx, response) -> list[Any]:
    """An NDJSON body as the list of its lines, which is how the document describes it."""
    return [json.loads(line) for line in response.content.decode().splitlines() if line.strip()]


class Credentials:
    """An access token for most operations, a fresh refresh token for refresh and logout."""

    def __init__(self, client) -> None:
        self.auth = AuthHelper(client)
        self.username = self.auth.register()["username"]
        self.access_token = self.auth.login(self.username)["access_token"]
        self.headers = {"Authorization": f"Bearer {self.access_token}"}

    def bearer_for(self, path: str) -> str:
        """The token an operation on `path` expects."""
        if path in REFRESH_TOKEN_PATHS:
            # Refresh rotates and logout revokes: each case gets its own live token.
            return self.auth.login(self.username)["refresh_token"]
        return self.access_token


class OwnedResources:
    """A session, a saved problem and unclaimed stream tickets, all the user's own.

    Random ids reach only the 404 and refusal paths; these reach the success paths.
    """

    def __init__(self, client, credentials: Credentials) -> None:
        self.client = client
        self.headers = credentials.headers
        lesson = self._post("/api/v1/learning/session/start", chapter_number=1, section_number=1)
        self.session_id = lesson["session_info"]["session_id"]
        self.lesson_tickets = [lesson["workflow_response"]["temp_session_id"], self._lesson()]
        self.answer_tickets = [self._answer(), self._answer()]
        self.problem_id = self._problem()

    def _post(self, path: str, **body: Any) -> dict:
        response = self.client.post(path, json=body, headers=self.headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json["data"]

    def _lesson(self) -> str:
        data = self._post("/api/v1/learning/session/start", chapter_number=2, section_number=1)
        return data["workflow_response"]["temp_session_id"]

    def _answer(self) -> str:
        data = self._post(
            "/api/v1/learning/session/message", session_id=self.session_id, user_message=QUESTION
        )
        return data["workflow_response"]["temp_session_id"]

    def _problem(self) -> str:
        body = {"prompt": "배열에서 두 수의 합을 찾는 문제", "difficulty": "easy"}
        response = self.client.post(
            "/api/v1/problems/generate-stream", json=body, headers=self.headers
        )
        last = json.loads(response.get_data(as_text=True).strip().splitlines()[-1])
        assert last["type"] == "result", last
        return last["payload"]["problemId"]

    def examples(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Explicit cases per (method, path): the arguments of `operation.Case`."""
        learning = "/api/v1/learning"
        return {
            ("GET", f"{learning}/session/{{session_id}}"): {
                "path_parameters": {"session_id": self.session_id}
            },
            ("GET", "/api/v1/problems/{problem_id}"): {
                "path_parameters": {"problem_id": self.problem_id}
            },
            ("GET", f"{learning}/theory-stream/{{temp_id}}"): {
                "path_parameters": {"temp_id": self.lesson_tickets[0]}
            },
            ("POST", f"{learning}/theory-stream/{{temp_id}}/cancel"): {
                "path_parameters": {"temp_id": self.lesson_tickets[1]}
            },
            ("GET", f"{learning}/qna-stream/{{temp_id}}"): {
                "path_parameters": {"temp_id": self.answer_tickets[0]}
            },
            ("POST", f"{learning}/qna-stream/{{temp_id}}/cancel"): {
                "path_parameters": {"temp_id": self.answer_tickets[1]}
            },
            ("POST", f"{learning}/feedback"): {
                "body": {"session_id": self.session_id, "target": "lesson", "rating": 1},
                "media_type": "application/json",
            },
            ("POST", f"{learning}/session/message"): {
                "body": {"session_id": self.session_id, "user_message": QUESTION},
                "media_type": "application/json",
            },
        }

    def add_examples_hook(self):
        """A schemathesis `before_add_examples` hook adding one real-resource case each."""
        examples = self.examples()

        def before_add_examples(context, cases: list) -> None:
            operation = context.operation
            found = examples.get((operation.method.upper(), operation.path))
            if found is not None:
                cases.append(operation.Case(**found))

        return before_add_examples


class CaseTally:
    """Statuses answered per operation, and the cases that failed a check."""

    def __init__(self) -> None:
        self.statuses: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self.failed = 0

    def summary(self) -> str:
        """The headline: how many cases ran over how many operations."""
        total = sum(sum(seen.values()) for seen in self.statuses.values()) + self.failed
        return (
            f"schemathesis: {total} cases over {len(self.statuses)} operations, "
            f"{self.failed} failed (shrinking included)"
        )

    def report(self) -> str:
        """The headline, then each operation with the statuses it answered."""
        lines = [self.summary()]
        for label, seen in sorted(self.statuses.items()):
            spread = " ".join(f"{status}x{count}" for status, count in sorted(seen.items()))
            lines.append(f"  {sum(seen.values()):4d}  {label}  ({spread})")
        return "\n".join(lines)
