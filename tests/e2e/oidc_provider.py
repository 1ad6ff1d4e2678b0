"""Sign-in for tests: a configuration with a [roles] section, and an OpenID Connect provider on loopback.

The provider is oidc-provider-mock (PyPI), served by werkzeug on 127.0.0.1 and a free port in a thread of the
test process. It accepts any client id and secret; its authorization page asks for the subject ("sub") to
sign in as, and the claims sent for a subject are whatever set_user() stored (else {"email": sub}).
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from dashboard.core.config import DEFAULT_CONFIG_PATH

AUTH_CLIENT_ID = "pmf-dashboard-test"
AUTH_CLIENT_SECRET = "not-a-secret"


def write_roles_config(path: Path, roles_toml: str, folder: Path | None = None) -> Path:
    """The packaged configuration with its [roles] section (the last in the file) replaced by `roles_toml`,
    and its [server] folder set to `folder` (where the server is started, with its .streamlit/) if given."""
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    head, _, tail = text.partition("\n[roles]\n")
    assert tail, "default_config.toml has no [roles] section"
    tables = [line for line in tail.splitlines() if line.startswith("[")]
    assert all(t.startswith("[roles.") for t in tables), f"[roles] is no longer last: {tables}"
    if folder is not None:
        assert head.count('\nfolder = ""\n') == 1, "default_config.toml's [server] folder has moved"
        head = head.replace('\nfolder = ""\n', f"\nfolder = {json.dumps(str(folder))}\n")
    path.write_text(head + "\n" + roles_toml.strip() + "\n", encoding="utf-8")
    # A rewrite within the same clock tick with the same size would look unchanged: move the time on.
    if path.exists():
        stamp = time.time() + 2
        os.utime(path, (stamp, stamp))
    return path


def auth_secrets(app_url: str, provider_url: str) -> dict[str, str]:
    """The [auth] section of .streamlit/secrets.toml for an app at `app_url` signing in with the provider."""
    return {
        "redirect_uri": f"{app_url}/oauth2callback",
        "cookie_secret": "a-cookie-secret-used-only-by-the-tests-0123456789",
        "client_id": AUTH_CLIENT_ID,
        "client_secret": AUTH_CLIENT_SECRET,
        "server_metadata_url": f"{provider_url}/.well-known/openid-configuration",
    }


def secrets_toml(section: dict[str, str]) -> str:
    return "[auth]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in section.items())


@dataclass
class Provider:
    url: str

    def set_user(self, sub: str, claims: dict[str, object]) -> None:
        """The claims (email, name, groups...) that signing in as `sub` gives."""
        request = urllib.request.Request(
            f"{self.url}/users/{quote(sub, safe='')}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204, response.status


@contextmanager
def running_provider() -> Iterator[Provider]:
    """oidc-provider-mock on 127.0.0.1 and a free port, stopped when the block ends."""
    import oidc_provider_mock
    import werkzeug.serving

    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
