"""The caller's experiment arms, so an API client shows the same flow as the pages."""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema

from mechmatch.accounts.auth import SignedInRequest, api_auth
from mechmatch.api_schema import signed_in_errors
from mechmatch.experiments.selectors import arms_of

router = Router(tags=["experiments"], auth=api_auth)


class ArmsOut(Schema):
    arms: dict[str, str] = Field(
        description='{experiment name: "treatment" | "control"} for each active experiment the caller is in.'
    )


@router.get("/experiments/me", response={200: ArmsOut, **signed_in_errors()}, summary="The caller's arms")
def experiments_me(request: SignedInRequest) -> dict[str, Any]:
    return {"arms": arms_of(request.user)}
