"""The floor of a page: what Streamlit alone costs to render the page's elements from results already made.

`recording()` patches Streamlit's element and widget calls (st.X and DeltaGenerator.X) to write down each
outermost call with its arguments while the real page runs. `floor_page.py`, run by AppTest, replays those
calls in order with the very same arguments (DataFrames, Stylers, Plotly figures, options): the same number
and kind of elements, serialised the same way, with none of the page's own work (queries, cache look-ups,
tables built, figures made). Layout containers are replayed but not entered, so every element lands in the
main area or the sidebar it was called on; forms become containers and their submit buttons plain buttons
(Streamlit refuses a submit button outside a form).

Recorded calls live in this module (AppTest runs scripts in this process), not on disk: some arguments,
such as a format_func lambda, cannot be pickled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

ELEMENTS = (
    "title",
    "header",
    "subheader",
    "caption",
    "markdown",
    "write",
    "text",
    "code",
    "info",
    "warning",
    "success",
    "error",
    "metric",
    "dataframe",
    "data_editor",
    "table",
    "plotly_chart",
    "line_chart",
    "bar_chart",
    "json",
    "image",
    "divider",
    "download_button",
    "button",
    "link_button",
    "page_link",
    "selectbox",
    "multiselect",
    "radio",
    "checkbox",
    "toggle",
    "pills",
    "segmented_control",
    "slider",
    "number_input",
    "text_input",
    "text_area",
    "date_input",
    "file_uploader",
    "form_submit_button",
    "columns",
    "expander",
    "form",
    "tabs",
    "container",
    "popover",
    "set_page_config",
)
REPLAY_AS = {"form": "container", "form_submit_button": "button"}
CONTAINER_ONLY_KEYWORDS = {"form": ("clear_on_submit", "enter_to_submit")}


@dataclass
class Call:
    name: str
    sidebar: bool
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


CALLS: list[Call] = []
_MISSING = object()
_state = threading.local()


def _wrap(name: str, original: Callable[..., Any], module_level: bool) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth = getattr(_state, "depth", 0)
        if depth == 0:
            if module_level:  # st.X: drawn where the innermost `with` block points (e.g. the sidebar)
                CALLS.append(Call(name, _in_sidebar(None), args, kwargs))
            else:  # dg.X
                CALLS.append(Call(name, _in_sidebar(args[0]), args[1:], kwargs))
        _state.depth = depth + 1
        try:
            return original(*args, **kwargs)
        finally:
            _state.depth = depth

    return wrapper


def _in_sidebar(dg: Any) -> bool:
    try:
        import streamlit as st

        target = dg if dg is not None else st._main._active_dg
        return bool(target._root_container == st.sidebar._root_container)
    except Exception:  # pragma: no cover - Streamlit internals moved
        return False


@contextmanager
def recording() -> Iterator[list[Call]]:
    """Record the outermost Streamlit element calls made while the block runs."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    CALLS.clear()
    saved: list[tuple[object, str, Any]] = []  # (owner, name, what it had: _MISSING if inherited)
    for name in ELEMENTS:
        method = getattr(DeltaGenerator, name, None)
        if method is not None:
            saved.append((DeltaGenerator, name, DeltaGenerator.__dict__.get(name, _MISSING)))
            setattr(DeltaGenerator, name, _wrap(name, method, module_level=False))
        function = getattr(st, name, None)
        if function is not None and callable(function):
            saved.append((st, name, function))
            setattr(st, name, _wrap(name, function, module_level=True))
    try:
        yield CALLS
    finally:
        for owner, name, before in reversed(saved):
            if before is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, before)


def replay() -> None:
    """floor_page.py's body: every recorded call, in order, with its own arguments."""
    import streamlit as st

    for call in CALLS:
        name = REPLAY_AS.get(call.name, call.name)
        kwargs = {k: v for k, v in call.kwargs.items() if k not in CONTAINER_ONLY_KEYWORDS.get(call.name, ())}
        args = call.args
        if call.name == "form":  # st.form(key, ...) -> st.container(key=...)
            args, kwargs = (), {"key": f"floor-form-{call.args[0] if call.args else kwargs.get('key')}"}
        if call.name == "form_submit_button":
            kwargs.setdefault("key", f"floor-submit-{len(args)}-{args[0] if args else ''}")
        owner = st.sidebar if call.sidebar else st
        getattr(owner, name)(*args, **kwargs)


def summary() -> dict[str, int]:
    """How many calls of each kind were recorded."""
    counts: dict[str, int] = {}
    for call in CALLS:
        counts[call.name] = counts.get(call.name, 0) + 1
    return counts
