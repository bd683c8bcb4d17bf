"""The Lambda deployment in deploy/: a template cfn-lint accepts, wired as the adapter needs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint_file
from cfnlint.decode import decode_str

from backend.app.config import Settings
from backend.app.config_secrets import SECRET_SETTINGS, arn_setting

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
TEMPLATE = DEPLOY / "template.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
RUN_SH = DEPLOY / "run.sh"
TABLE_ARN = {"Fn::GetAtt": ["ProblemsTable", "Arn"]}
INDEX_ARN = {"Fn::Sub": "${ProblemsTable.Arn}/index/userId-createdAt-index"}


@pytest.fixture(scope="module")
def template() -> dict:
    """The template with CloudFormation's short tags (!Ref, !Sub...) in their long form."""
    parsed, errors = decode_str(TEMPLATE.read_text())
    assert not errors, [str(error) for error in errors]
    return parsed


@pytest.fixture(scope="module")
def function(template) -> dict:
    """The properties of the one Lambda function."""
    return template["Resources"]["TutorFunction"]["Properties"]


@pytest.fixture(scope="module")
def env(function) -> dict:
    """The function's environment variables."""
    return function["Environment"]["Variables"]


def test_cfn_lint_finds_nothing_to_report():
    config = ManualArgs(regions=["ap-northeast-2", "us-east-1"], include_checks=["I"])
    assert [str(match) for match in lint_file(TEMPLATE, config=config)] == []


def test_answers_stream_through_the_function_url_and_the_adapter(function, env):
    url = function["FunctionUrlConfig"]
    assert url["InvokeMode"] == "RESPONSE_STREAM"
    assert url["AuthType"] == "NONE"  # the app checks its own JWTs
    assert env["AWS_LWA_INVOKE_MODE"] == "response_stream"
    # run.sh binds AWS_LWA_PORT; the adapter probes the app's liveness path there.
    assert env["AWS_LWA_PORT"] == "8080"
    assert env["AWS_LWA_READINESS_CHECK_PATH"] == "/healthz"


def test_every_variable_is_a_setting_or_the_adapters(env):
    unknown = {name for name in env if name not in Settings.model_fields}
    assert all(name.startswith("AWS_LWA_") for name in unknown), unknown
    # Lambda reserves AWS_REGION and sets it; the app's setting of that name reads it.
    assert "AWS_REGION" not in env


def test_app_settings_fit_lambda(template, env):
    assert env["APP_ENV"] == "production"
    assert env["DATA_DIR"].startswith("/tmp/")  # Lambda's only writable disk
    assert env["WEB_CONCURRENCY"] == "1"
    assert env["PROBLEM_STORE"] == "dynamodb"
    assert env["PROBLEMS_TABLE_NAME"] == {"Ref": "ProblemsTable"}
    parameters = template["Parameters"]
    assert env["CORS_ORIGINS"] == {"Ref": "CorsOrigins"}
    # Lessons stream only when instances share their state in Redis; else whole lessons.
    assert env["THEORY_STREAMING_ENABLED"] == {"Fn::If": ["HasRedisUrl", "true", "false"]}
    assert template["Conditions"]["HasRedisUrl"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "RedisUrlSecretArn"}, ""]}]
    }
    assert parameters["RedisUrlSecretArn"]["Default"] == ""


def test_no_secret_value_sits_in_the_environment_only_secret_arns(template, env):
    for name in SECRET_SETTINGS:
        assert name not in env, name
        assert arn_setting(name) in env, name
    # Nor does one pass through CloudFormation as a parameter value.
    assert not [name for name, p in template["Parameters"].items() if p.get("NoEcho")]
    for name, parameter in template["Parameters"].items():
        if name.endswith("SecretArn"):
            assert parameter["AllowedPattern"].startswith("^(arn:aws"), name


@pytest.mark.parametrize(
    ("setting", "resource"),
    [("JWT_SECRET_KEY", "JwtSecret"), ("METRICS_TOKEN", "MetricsTokenSecret")],
)
def test_the_jwt_key_and_metrics_token_are_required_secrets_the_stack_generates(
    template, env, setting, resource
):
    secret = template["Resources"][resource]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    assert env[arn_setting(setting)] == {"Ref": resource}


def test_the_role_reads_exactly_the_secrets_the_app_is_given(function, env):
    _dynamodb, secrets = function["Policies"]
    (statement,) = secrets["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == ["secretsmanager:GetSecretValue"]
    granted = []
    for resource in statement["Resource"]:
        if "Fn::If" in resource:
            _condition, when_set, otherwise = resource["Fn::If"]
            assert otherwise == {"Ref": "AWS::NoValue"}
            resource = when_set
        granted.append(resource)
    given = [env[arn_setting(name)] for name in SECRET_SETTINGS]
    assert sorted(map(str, granted)) == sorted(map(str, given))


def test_a_function_in_a_vpc_gets_a_secrets_manager_endpoint(template, function):
    assert function["VpcConfig"]["Fn::If"][0] == "InVpc"
    assert function["VpcConfig"]["Fn::If"][2] == {"Ref": "AWS::NoValue"}
    endpoint = template["Resources"]["SecretsManagerEndpoint"]
    assert endpoint["Condition"] == "CreatesSecretsEndpoint"
    properties = endpoint["Properties"]
    assert properties["VpcEndpointType"] == "Interface"
    assert properties["ServiceName"] == {"Fn::Sub": "com.amazonaws.${AWS::Region}.secretsmanager"}
    assert properties["PrivateDnsEnabled"] is True
    assert properties["SubnetIds"] == {"Ref": "SubnetIds"}


def test_browsers_may_send_what_the_api_reads(function):
    cors = function["FunctionUrlConfig"]["Cors"]["Fn::If"][1]
    assert cors["AllowOrigins"] == {"Fn::Split": [",", {"Ref": "CorsOrigins"}]}
    assert {"Authorization", "Content-Type", "Last-Event-ID"} <= set(cors["AllowHeaders"])
    assert "X-Request-ID" in cors["ExposeHeaders"]


def test_streams_and_the_analyser_get_room(template, function):
    assert 60 <= function["Timeout"] <= 900
    assert function["MemorySize"] == {"Ref": "MemorySize"}
    assert template["Parameters"]["MemorySize"]["Default"] >= 1024


def test_the_role_may_only_put_get_and_query_problems(function):
    policy, _secrets = function["Policies"]
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert set(statement["Action"]) == {"dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"}
    assert statement["Resource"] == [TABLE_ARN, INDEX_ARN]


def test_problems_table_matches_the_design(template):
    table = template["Resources"]["ProblemsTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["KeySchema"] == [{"AttributeName": "problemId", "KeyType": "HASH"}]
    types = {a["AttributeName"]: a["AttributeType"] for a in properties["AttributeDefinitions"]}
    assert types == {"problemId": "S", "userId": "S", "createdAt": "S"}
    (index,) = properties["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "userId-createdAt-index"
    assert index["KeySchema"] == [
        {"AttributeName": "userId", "KeyType": "HASH"},
        {"AttributeName": "createdAt", "KeyType": "RANGE"},
    ]
    assert index["Projection"] == {"ProjectionType": "ALL"}
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_outputs_name_the_url_and_the_table(template):
    outputs = template["Outputs"]
    assert outputs["FunctionUrl"]["Value"] == {"Fn::GetAtt": ["TutorFunctionUrl", "FunctionUrl"]}
    assert outputs["ProblemsTableName"]["Value"] == {"Ref": "ProblemsTable"}


def test_image_is_python_3_11_with_a_pinned_adapter_extension(template, function):
    assert function["PackageType"] == "Image"
    assert function["Architectures"] == ["x86_64"]  # the adapter image is multi-arch
    metadata = template["Resources"]["TutorFunction"]["Metadata"]
    context = (DEPLOY / metadata["DockerContext"]).resolve()
    assert context == REPO_ROOT
    assert (context / metadata["Dockerfile"]).resolve() == DOCKERFILE
    dockerfile = DOCKERFILE.read_text()
    assert re.search(r"^FROM \S+/python:3\.11[-.\w]*$", dockerfile, re.MULTILINE)
    assert re.search(
        r"^COPY --from=public\.ecr\.aws/awsguru/aws-lambda-adapter:\d+\.\d+\.\d+ "
        r"/lambda-adapter /opt/extensions/lambda-adapter$",
        dockerfile,
        re.MULTILINE,
    )


def test_image_copies_only_files_that_exist():
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            *sources, _destination = line.split()[1:]
            for source in sources:
                assert (REPO_ROOT / source).exists(), source


def test_image_starts_the_executable_run_sh():
    assert 'CMD ["/var/task/deploy/run.sh"]' in DOCKERFILE.read_text().splitlines()
    assert os.access(RUN_SH, os.X_OK)
    script = RUN_SH.read_text()
    assert script.startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in script


def test_vpc_parameters_that_cannot_work_are_refused_before_deploying(template):
    rules = template["Rules"]
    endpoint_rule = rules["SecretsEndpointNeedsVpcId"]
    assert endpoint_rule["RuleCondition"] == {
        "Fn::Equals": [{"Ref": "CreateSecretsManagerEndpoint"}, "true"]
    }
    (assertion,) = endpoint_rule["Assertions"]
    assert {"Fn::Not": [{"Fn::Equals": [{"Ref": "VpcId"}, ""]}]} in assertion["Assert"]["Fn::Or"]
    assert "VpcNeedsSecurityGroups" in rules


def test_redis_needs_the_vpc_and_shared_databases_before_deploying(template):
    rule = template["Rules"]["RedisNeedsVpc"]
    assert rule["RuleCondition"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "RedisUrlSecretArn"}, ""]}]
    }
    in_vpc, shared = rule["Assertions"]
    assert in_vpc["Assert"] == {"Fn::Not": [{"Fn::EachMemberEquals": [{"Ref": "SubnetIds"}, ""]}]}
    needed = {term["Fn::Not"][0]["Fn::Equals"][0]["Ref"] for term in shared["Assert"]["Fn::And"]}
    assert needed == {"DatabaseUrlSecretArn", "CheckpointUrlSecretArn"}


def test_a_function_in_a_vpc_may_get_a_dynamodb_gateway_endpoint(template):
    endpoint = template["Resources"]["DynamoDbEndpoint"]
    assert endpoint["Condition"] == "CreatesDynamoDbEndpoint"
    properties = endpoint["Properties"]
    assert properties["VpcEndpointType"] == "Gateway"
    assert properties["ServiceName"] == {"Fn::Sub": "com.amazonaws.${AWS::Region}.dynamodb"}
    assert properties["RouteTableIds"] == {"Ref": "RouteTableIds"}
    assert {"Condition": "InVpc"} in template["Conditions"]["CreatesDynamoDbEndpoint"]["Fn::And"]
