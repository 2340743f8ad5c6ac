"""Every conformance case, one module per part of the spec; importing this registers them all.
They run in the spec's page order (``model.PAGES``), whatever the order of the modules."""

from . import (  # noqa: F401
    api_read,
    api_write,
    auth,
    envelope,
    events,
    hidden,
    http,
    http_order,
    messages,
    meta,
    post,
    reverse,
    ws,
    ws_echo,
    ws_late,
)
