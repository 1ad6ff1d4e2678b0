"""Tests run the dashboard in local mode, which is only ever an explicit choice (`pmf serve --local` sets
PMF_LOCAL_MODE=1): the tests choose it here, for the app in AppTest and for the servers and commands they
start. Tests of the refusal without it remove the variable (monkeypatch.delenv)."""

from __future__ import annotations

import os

os.environ.setdefault("PMF_LOCAL_MODE", "1")
