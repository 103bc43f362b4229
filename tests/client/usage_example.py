"""The README's "Using the client" examples, kept here so that they are type-checked (mypy --strict) and run."""

from __future__ import annotations

import asyncio
import os

from attentive_client import AuthenticatedClient, errors
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.api.bulk_user_operations import post_bulk_user_attributes
from attentive_client.api.user_properties import post_user_attributes
from attentive_client.models import CreateUserAttributesRequestDtoV2, UserAttributes


def make_client() -> AuthenticatedClient:
    # Production base URL, 5 s connect / 30 s read timeouts, 2 retries, validation on: all by default.
    return AuthenticatedClient(token=os.environ["ATTENTIVE_API_TOKEN"])


def upsert_one(client: AuthenticatedClient) -> bool:
    body = CreateUserAttributesRequestDtoV2.from_dict(
        {
            "identifiers": {"phone": "+15005550006", "clientUserId": "user-1"},
            "attributes": {"firstName": "Ada", "custom": {"favorite color": "green"}},
            "subscriptions": [{"channel": "TEXT", "subscriptionType": "MARKETING", "signUpSourceId": "12345"}],
        }
    )
    try:
        accepted = post_user_attributes.sync(client=client, body=body)
    except errors.RequestValidationError as error:  # nothing was sent
        for problem in error.errors:
            print(problem.path, problem.rule, problem.message)
        raise
    except errors.RateLimitError as error:  # still 429 after the retries
        print(f"rate limited after {error.attempts} attempts; retry-after={error.headers.get('retry-after')}")
        raise
    except errors.APIStatusError as error:  # any other non-2xx
        print(error.status_code, error.operation_id, error.json or error.body)
        raise
    return accepted.success is True


def submit_bulk(client: AuthenticatedClient, phones: list[str]) -> str:
    users = [{"identifiers": {"phone": phone}} for phone in phones]
    submitted = post_bulk_user_attributes.sync(client=client, body=UserAttributes.from_dict({"users": users}))
    return submitted.batch_job_id


async def job_status(client: AuthenticatedClient, job_id: str) -> str:
    job = await get_bulk_job_status.asyncio(job_id, client=client, max_retries=5)
    if not job.status.is_known:  # a status added by the vendor after this client was generated
        print(f"new job status {job.status}")
    return str(job.status)


if __name__ == "__main__":
    with make_client() as client:
        upsert_one(client)
        job_id = submit_bulk(client, ["+15005550006", "+15005550007"])
    print(asyncio.run(job_status(make_client(), job_id)))
