"""`flask problems create-table` on both backends."""

from __future__ import annotations

from backend.app import create_app


def create_table(app) -> str:
    result = app.test_cli_runner().invoke(args=["problems", "create-table"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_sql_table_comes_with_the_migrations(app):
    assert create_table(app) == "SQL table problems already exists"


def test_dynamodb_table_is_created_once(dynamodb_settings):
    settings = dynamodb_settings()
    app = create_app(settings)
    name = settings.PROBLEMS_TABLE_NAME

    assert create_table(app) == f"created DynamoDB table {name}"
    assert create_table(app) == f"DynamoDB table {name} already exists"
