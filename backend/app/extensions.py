"""Extension singletons, created uninitialised and bound to the app in create_app()."""

from flask import request
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from spectree import SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData
from spectree.page import PAGE_TEMPLATES

from backend.app.api.response_check import reject_undocumented_response
from backend.app.api.schemas import ErrorResponse
from backend.app.api.validation import raise_validation_error
from backend.app.version import VERSION


def client_ip() -> str:
    """The caller's address (ProxyFix has already applied TRUSTED_PROXY_HOPS)."""
    return request.remote_addr or "unknown"


jwt = JWTManager()
limiter = Limiter(key_func=client_ip, headers_enabled=False, retry_after="delta-seconds")
cors = CORS()
spec = SpecTree(
    "flask",
    title="Streaming AI Tutor API",
    version=VERSION,
    path="api/v1/docs",
    annotations=True,
    mode="strict",  # document only the routes declared with @spec.validate
    # Offline pages (their assets are inlined), so the docs work without a CDN.
    page_templates={ui: PAGE_TEMPLATES[ui] for ui in ("swagger", "redoc")},
    validation_error_status=422,
    validation_error_model=ErrorResponse,
    before=raise_validation_error,
    after=reject_undocumented_response,
    security_schemes=[
        SecurityScheme(
            name="bearer",
            data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer", bearer_format="JWT"),
        ),
        SecurityScheme(
            name="metrics_token",
            data=SecuritySchemeData(
                type=SecureType.HTTP, scheme="bearer", description="METRICS_TOKEN, when it is set"
            ),
        ),
    ],
)
