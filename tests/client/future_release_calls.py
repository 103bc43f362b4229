"""Run in a subprocess against a project copy updated to the synthetic release (its ``generated/`` first on the
path): the generated client calls the new operations on the reference server and prints what it saw as JSON."""

from __future__ import annotations

import json
from typing import Any

from attentive_client import AuthenticatedClient
from attentive_client.api.default import create_token, delete_widget, post_tree, put_widget
from attentive_client.models import (
    Branch,
    BranchKind,
    CreateTokenBody,
    CreateTokenBodyGrantType,
    DeleteWidgetBody,
    Leaf,
    LeafKind,
    PutWidgetBody,
)
from attentive_client.runtime.errors import RequestValidationError

from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import ServerSettings


def tree(depth: int) -> Branch | Leaf:
    node: Branch | Leaf = Leaf(kind=LeafKind.LEAF, value=depth)
    for level in range(depth):
        node = Branch(kind=BranchKind.BRANCH, children=[node, Leaf(kind=LeafKind.LEAF, value=level)])
    return node


def main() -> None:
    seen: dict[str, Any] = {}
    settings = ServerSettings(run_jobs_in_background=False)
    with running_server(settings=settings, host="127.0.0.1", port=0) as url:
        client = AuthenticatedClient(base_url=str(url).rstrip("/"), token="dev-token")
        sent = tree(5)
        answered = post_tree.sync_detailed(client=client, body=sent)
        seen["tree"] = {
            "status": answered.status_code,
            "type": type(answered.parsed).__name__,
            "round_trip": type(answered.parsed).from_dict(answered.parsed.to_dict()).to_dict()
            == answered.parsed.to_dict()
            if answered.parsed is not None
            else False,
        }
        form = CreateTokenBody(grant_type=CreateTokenBodyGrantType.AUTHORIZATION_CODE, count=2, tags=["a", "b"])
        token = create_token.sync_detailed(client=client, body=form)
        # The server answers 200 only to the form media type the spec lists.
        seen["form"] = {
            "status": token.status_code,
            "has_token": isinstance(getattr(token.parsed, "access_token", None), str),
        }
        try:
            create_token.sync_detailed(
                client=client, body=CreateTokenBody(grant_type=CreateTokenBodyGrantType.AUTHORIZATION_CODE, count=0)
            )
            seen["form_refused_before_sending"] = []
        except RequestValidationError as exc:
            seen["form_refused_before_sending"] = [error.path for error in exc.errors]
        seen["put"] = put_widget.sync_detailed("w-1", client=client, body=PutWidgetBody(name="blue")).status_code
        seen["delete"] = delete_widget.sync_detailed(
            "w-1", client=client, body=DeleteWidgetBody(name="blue")
        ).status_code
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
