"""Wire-level fakes of Google's Security Token Service and IAM Credentials, for keyless access.

Standard library only (its server is :class:`tests.support.fakes.loopback.LoopbackJsonServer`),
so it can move with the other fakes untouched. One loopback HTTP server answers both APIs the
way google-auth's ``external_account`` credentials with an AWS source use them (google-auth
2.63: ``google/auth/aws.py``, ``external_account.py``, ``impersonated_credentials.py``):

1. ``POST /v1/token`` (STS, RFC 8693 token exchange, form-encoded) with
   ``grant_type=urn:ietf:params:oauth:grant-type:token-exchange``, ``audience`` (the workload
   identity pool provider), ``scope``, ``requested_token_type``
   (``urn:ietf:params:oauth:token-type:access_token``),
   ``subject_token_type=urn:ietf:params:aws:token-type:aws4_request`` and ``subject_token``:
   the URL-quoted JSON ``{"url", "method", "headers": [{"key", "value"}]}`` of a SigV4-signed
   ``POST https://sts.<region>.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15``
   with an ``x-goog-cloud-target-resource`` header naming the audience. Google's STS sends that
   request to AWS; this fake instead verifies the SigV4 signature itself against the AWS
   credentials it was given (the ones the test put in the environment), as AWS would. Success
   answers ``{"access_token", "issued_token_type", "token_type": "Bearer", "expires_in"}``;
   failure the OAuth error shape ``{"error": "invalid_grant", "error_description"}`` with 400.
2. ``POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken`` (IAM Credentials) with
   ``Authorization: Bearer <STS token>`` and ``{"scope": [...], "lifetime": "3600s"}``; answers
   ``{"accessToken", "expireTime"}``, or Google's error shape with 401 (unknown token) or 403
   (an account the federated identity may not impersonate).

Every request is recorded (path, headers, parsed body) for assertions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.support.fakes.loopback import LoopbackJsonServer

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
AWS_TOKEN_TYPE = "urn:ietf:params:aws:token-type:aws4_request"
GET_CALLER_IDENTITY = "Action=GetCallerIdentity&Version=2011-06-15"
FEDERATED_SCOPES = frozenset(
    {"https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/iam"}
)


@dataclass(frozen=True)
class AwsKeys:
    """The AWS credentials the fake expects the subject token to be signed with."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


@dataclass(frozen=True)
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: Any

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name."""
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


class FederationError(Exception):
    """A request the real service would refuse: (status, body) to send."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        super().__init__(json.dumps(body))
        self.status = status
        self.body = body


@dataclass
class GoogleFederationFake(LoopbackJsonServer):
    """Google STS and IAM Credentials on one loopback port (``url``)."""

    methods = ("POST",)

    audience: str
    aws_keys: AwsKeys
    service_account: str
    region: str = "us-east-1"
    token_lifetime_s: int = 3600
    requests: list[Recorded] = field(default_factory=list)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _federated: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def calls(self, kind: str) -> list[Recorded]:
        """Recorded requests of one API: ``sts`` or ``iam``."""
        suffix = "/v1/token" if kind == "sts" else ":generateAccessToken"
        return [r for r in self.requests if r.path.split("?")[0].endswith(suffix)]

    def answer(
        self, method: str, path: str, headers: Mapping[str, str], raw: str
    ) -> tuple[int, Any]:
        """Answer one POST (status, JSON body)."""
        route = path.split("?", 1)[0]
        if route == "/v1/token":
            body: Any = dict(urllib.parse.parse_qsl(raw))
            handler = self._exchange
        elif route.startswith("/v1/projects/-/serviceAccounts/") and route.endswith(
            ":generateAccessToken"
        ):
            body = json.loads(raw or "{}")
            handler = self._generate
        else:
            return 404, _google_error(404, "NOT_FOUND", f"no such method {route}")
        recorded = Recorded("POST", path, dict(headers), body)
        with self._lock:
            self.requests.append(recorded)
        try:
            return 200, handler(recorded)
        except FederationError as exc:
            return exc.status, exc.body

    def _exchange(self, request: Recorded) -> dict[str, Any]:
        form = request.body
        expected = {
            "grant_type": TOKEN_EXCHANGE,
            "requested_token_type": ACCESS_TOKEN_TYPE,
            "subject_token_type": AWS_TOKEN_TYPE,
            "audience": self.audience,
        }
        for name, value in expected.items():
            if form.get(name) != value:
                raise _invalid_grant(f"{name} must be {value!r}, got {form.get(name)!r}")
        # google-auth asks for the IAM scope when it impersonates next, else for the caller's.
        if not set(form.get("scope", "").split()) & FEDERATED_SCOPES:
            raise _invalid_grant(f"scope must include one of {sorted(FEDERATED_SCOPES)}")
        self._verify_subject_token(form.get("subject_token", ""))
        token = f"federated-{next(self._counter)}"
        with self._lock:
            self._federated.add(token)
        return {
            "access_token": token,
            "issued_token_type": ACCESS_TOKEN_TYPE,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime_s,
        }

    def _verify_subject_token(self, subject_token: str) -> None:
        try:
            signed = json.loads(urllib.parse.unquote(subject_token))
            headers = {h["key"].lower(): h["value"] for h in signed["headers"]}
        except (ValueError, KeyError, TypeError):
            raise _invalid_grant("subject_token is not a serialized AWS request") from None
        url = f"https://sts.{self.region}.amazonaws.com?{GET_CALLER_IDENTITY}"
        if signed.get("method") != "POST" or signed.get("url") != url:
            raise _invalid_grant(f"subject_token must be POST {url}")
        if headers.get("x-goog-cloud-target-resource") != self.audience:
            raise _invalid_grant("x-goog-cloud-target-resource does not name the audience")
        if self.aws_keys.session_token and (
            headers.get("x-amz-security-token") != self.aws_keys.session_token
        ):
            raise _invalid_grant("the AWS session token is missing or not the caller's")
        if not _valid_sigv4(headers, self.aws_keys, self.region):
            raise _invalid_grant("the AWS signature does not verify (GetCallerIdentity failed)")

    def _generate(self, request: Recorded) -> dict[str, Any]:
        bearer = (request.header("authorization") or "").removeprefix("Bearer ")
        with self._lock:
            known = bearer in self._federated
        if not known:
            raise FederationError(401, _google_error(401, "UNAUTHENTICATED", "invalid token"))
        email = urllib.parse.unquote(request.path.split("/serviceAccounts/", 1)[1]).split(":")[0]
        if email != self.service_account:
            message = f"Permission 'iam.serviceAccounts.getAccessToken' denied on {email}"
            raise FederationError(403, _google_error(403, "PERMISSION_DENIED", message))
        lifetime = int(str(request.body.get("lifetime", "3600s")).rstrip("s"))
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lifetime)
        return {
            "accessToken": f"ya29.impersonated-{next(self._counter)}",
            "expireTime": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def _valid_sigv4(headers: Mapping[str, str], keys: AwsKeys, region: str) -> bool:
    """Recompute the SigV4 signature of the serialized GetCallerIdentity request (AWS's
    documented algorithm: canonical request, string to sign, derived key)."""
    authorization = headers.get("authorization", "")
    try:
        scheme, rest = authorization.split(" ", 1)
        parts = dict(item.strip().split("=", 1) for item in rest.split(","))
        access_key, date, scope_region, service, _ = parts["Credential"].split("/")
        signed_headers = parts["SignedHeaders"].split(";")
        amz_date = headers["x-amz-date"]
    except (ValueError, KeyError):
        return False
    if (scheme, access_key, scope_region, service) != (
        "AWS4-HMAC-SHA256", keys.access_key_id, region, "sts"
    ):  # fmt: skip
        return False
    canonical_headers = "".join(
        f"{name}:{headers.get(name, '').strip()}\n" for name in signed_headers
    )
    canonical = "\n".join(
        ["POST", "/", GET_CALLER_IDENTITY, canonical_headers, ";".join(signed_headers),
         hashlib.sha256(b"").hexdigest()]
    )  # fmt: skip
    scope = f"{date}/{region}/sts/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = ("AWS4" + keys.secret_access_key).encode()
    for step in (date, region, "sts", "aws4_request"):
        key = hmac.new(key, step.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("Signature", ""))


def _invalid_grant(description: str) -> FederationError:
    return FederationError(400, {"error": "invalid_grant", "error_description": description})


def _google_error(code: int, status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}
