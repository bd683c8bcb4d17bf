"""Generated problems in DynamoDB (DESIGN 4.3), through a boto3 client."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from backend.app.aws_clients import create_client
from backend.app.config import Settings
from backend.app.storage.problems.cursor import decode_cursor, encode_cursor
from backend.app.storage.problems.dynamodb_items import (
    USER_INDEX,
    item_to_record,
    record_to_item,
    string_keys,
    table_definition,
)
from backend.app.storage.problems.errors import (
    InvalidCursor,
    ProblemConflict,
    ProblemRejected,
    ProblemStoreError,
    StoreUnavailable,
)
from backend.app.storage.problems.record import ProblemRecord

log = logging.getLogger(__name__)


def create_dynamodb_client(settings: Settings) -> Any:
    """A DynamoDB client with bounded timeouts and botocore's standard retries."""
    config = Config(
        # total_max_attempts counts the first try; botocore's "max_attempts" would not.
        retries={"mode": "standard", "total_max_attempts": settings.DYNAMODB_MAX_ATTEMPTS},
        connect_timeout=settings.DYNAMODB_TIMEOUT_SECONDS,
        read_timeout=settings.DYNAMODB_TIMEOUT_SECONDS,
    )
    return create_client(
        "dynamodb",
        region=settings.AWS_REGION,
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        config=config,
    )


class DynamoProblemRepository:
    """ProblemRepository on one DynamoDB table with the user/createdAt index."""

    def __init__(self, client: Any, table_name: str) -> None:
        self.client = client
        self.table_name = table_name

    def save(self, record: ProblemRecord) -> None:
        """Put once; on a failed condition the stored request_id decides retry vs clash."""
        try:
            self._call(
                self.client.put_item,
                TableName=self.table_name,
                Item=record_to_item(record),
                ConditionExpression="attribute_not_exists(problemId)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return
        except _ConditionFailed as failed:
            old = failed.old_item or self._get_item(record.problem_id)
        except _Rejected as rejected:
            # An invalid item (e.g. over 400 KB) fails the same way on every retry.
            raise ProblemRejected(f"DynamoDB refused the item: {rejected}") from rejected
        if old is None:
            # Deleted between the two calls: nothing to compare with; let the caller retry.
            raise StoreUnavailable(f"problem {record.problem_id} changed during its save")
        if old.get("request_id", {}).get("S") != record.request_id:
            raise ProblemConflict(f"problem {record.problem_id} exists from another request")

    def get(self, problem_id: str, user_id: str) -> ProblemRecord | None:
        """The record, or None when it is missing or owned by someone else."""
        item = self._get_item(problem_id)
        if item is None or item.get("userId", {}).get("S") != user_id:
            return None
        return item_to_record(item)

    def list_for_user(
        self, user_id: str, limit: int, cursor: str | None
    ) -> tuple[list[ProblemRecord], str | None]:
        """A page newest first from the user index."""
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": USER_INDEX,
            "KeyConditionExpression": "userId = :user",
            "ExpressionAttributeValues": {":user": {"S": user_id}},
            "ScanIndexForward": False,
            # One item more than asked tells whether another page exists, so the last
            # page never hands out a cursor to an empty one.
            "Limit": limit + 1,
        }
        if cursor is not None:
            created_at, problem_id = decode_cursor(cursor, user_id)
            params["ExclusiveStartKey"] = string_keys(
                {"problemId": problem_id, "userId": user_id, "createdAt": created_at}
            )
        try:
            response = self._call(self.client.query, **params)
        except _Rejected as rejected:
            if cursor is not None:
                raise InvalidCursor("The cursor is not valid for this listing.") from rejected
            raise StoreUnavailable(f"DynamoDB rejected the query: {rejected.code}") from rejected
        items = response.get("Items", [])
        records = [item_to_record(item) for item in items[:limit]]
        if len(items) > limit:
            last = records[-1]
            return records, encode_cursor(user_id, last.created_at, last.problem_id)
        last_key = response.get("LastEvaluatedKey")
        if last_key:  # the 1 MB page limit stopped the query early
            keys = {name: value["S"] for name, value in last_key.items()}
            return records, encode_cursor(user_id, keys["createdAt"], keys["problemId"])
        return records, None

    def create_table(self) -> bool:
        """Create the table on demand billing and wait until it is active."""
        try:
            self._call(self.client.create_table, **table_definition(self.table_name))
        except _Rejected as rejected:
            if rejected.code == "ResourceInUseException":
                return False
            raise ProblemStoreError(f"DynamoDB refused CreateTable: {rejected.code}") from rejected
        waiter = self.client.get_waiter("table_exists")
        try:
            waiter.wait(TableName=self.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        except BotoCoreError as exc:
            raise StoreUnavailable("DynamoDB table did not become active") from exc
        return True

    def ping(self) -> None:
        """Raise StoreUnavailable unless the table answers."""
        try:
            self._call(self.client.describe_table, TableName=self.table_name)
        except _Rejected as rejected:
            raise StoreUnavailable(f"DynamoDB DescribeTable failed: {rejected.code}") from rejected

    def _get_item(self, problem_id: str) -> dict[str, Any] | None:
        try:
            response = self._call(
                self.client.get_item,
                TableName=self.table_name,
                Key=string_keys({"problemId": problem_id}),
                ConsistentRead=True,
            )
        except _Rejected:
            return None  # only the key can be invalid here: no such problem can exist
        return response.get("Item")

    def _call(self, operation: Callable[..., dict], **params: Any) -> dict:
        """Run one client call, sorting its failures into what callers can act on."""
        try:
            return operation(**params)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "Unknown")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code == "ConditionalCheckFailedException":
                raise _ConditionFailed(exc.response.get("Item")) from exc
            if code in _CLIENT_SIDE_CODES and status < 500:
                raise _Rejected(code, error.get("Message", "")) from exc
            log.warning("DynamoDB %s failed: %s (HTTP %s)", operation.__name__, code, status)
            raise StoreUnavailable(f"DynamoDB {operation.__name__} failed: {code}") from exc
        except BotoCoreError as exc:
            # Connection refused or closed, timeouts, exhausted retries: all transient.
            log.warning("DynamoDB %s failed: %s", operation.__name__, type(exc).__name__)
            raise StoreUnavailable(f"DynamoDB unreachable: {type(exc).__name__}") from exc


# Answers about the request itself, handled by the caller; everything else (throttling,
# 5xx, a missing table, refused credentials) means the store is unavailable for now.
_CLIENT_SIDE_CODES = frozenset({"ValidationException", "ResourceInUseException"})


class _ConditionFailed(Exception):
    """PutItem's condition failed; carries the stored item when DynamoDB returned it."""

    def __init__(self, old_item: dict[str, Any] | None) -> None:
        super().__init__("condition failed")
        self.old_item = old_item


class _Rejected(Exception):
    """DynamoDB refused the request as invalid (a client-side error code)."""

    def __init__(self, code: str, message: str = "") -> None:
        # DynamoDB's message says what was wrong ("Item size has exceeded ..."); it names
        # no value, so it may reach the learner.
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
