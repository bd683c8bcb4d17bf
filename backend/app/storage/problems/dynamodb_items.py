"""ProblemRecord <-> DynamoDB item: keys camelCase, every other attribute snake_case, once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from backend.app.domain.problems import GeneratedProblem
from backend.app.storage.problems.record import ProblemRecord, stored_verification

PARTITION_KEY = "problemId"
USER_INDEX = "userId-createdAt-index"
KEY_ATTRIBUTES = ("problemId", "userId", "createdAt")
PROBLEM_FIELDS = tuple(GeneratedProblem.model_fields)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def record_to_item(record: ProblemRecord) -> dict[str, Any]:
    """The low-level (typed) item of `record`."""
    plain = {
        "problemId": record.problem_id,
        "userId": record.user_id,
        "createdAt": record.created_at,
        "request_id": record.request_id,
        "prompt": record.prompt,
        **record.problem.model_dump(),
    }
    # Absent rather than NULL when there is nothing to say: an item saved before
    # verification existed and one saved without it then read back the same way.
    if record.verification_data is not None:
        plain["verification"] = record.verification_data
    if record.reference_solution is not None:
        plain["reference_solution"] = record.reference_solution
    return {name: _serializer.serialize(value) for name, value in plain.items()}


def item_to_record(item: dict[str, Any]) -> ProblemRecord:
    """The record held by a low-level item."""
    plain = {name: _deserializer.deserialize(value) for name, value in item.items()}
    # Attributes a newer version may add are ignored rather than failing the read.
    problem = GeneratedProblem.model_validate({k: plain[k] for k in PROBLEM_FIELDS if k in plain})
    return ProblemRecord(
        problem_id=plain["problemId"],
        user_id=plain["userId"],
        created_at=plain["createdAt"],
        prompt=plain.get("prompt", ""),
        request_id=plain.get("request_id", ""),
        problem=problem,
        verification=stored_verification(_without_decimals(plain.get("verification"))),
        reference_solution=plain.get("reference_solution"),
    )


def _without_decimals(value: Any) -> Any:
    """`value` with DynamoDB's Decimal numbers turned back into ints (floats if fractional)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _without_decimals(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_without_decimals(inner) for inner in value]
    return value


def string_keys(keys: dict[str, str]) -> dict[str, dict[str, str]]:
    """Plain string key values as typed attributes."""
    return {name: {"S": value} for name, value in keys.items()}


def table_definition(table_name: str) -> dict[str, Any]:
    """CreateTable arguments of the problems table (DESIGN 4.3), billed on demand."""
    return {
        "TableName": table_name,
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in KEY_ATTRIBUTES
        ],
        "KeySchema": [{"AttributeName": PARTITION_KEY, "KeyType": "HASH"}],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": USER_INDEX,
                "KeySchema": [
                    {"AttributeName": "userId", "KeyType": "HASH"},
                    {"AttributeName": "createdAt", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
