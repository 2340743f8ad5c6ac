"""Milky 1.2 rules as pure functions and tables: the protocol layer of the second face.

Rule of this package (as of protocol/): no I/O, no threads, no Flask, no world; every rule is a
pure function of its arguments or a table. The spec is Milky 1.2, pinned in docs/rules.md
("The spec, pinned", Milky 1.2); its rules are MLK-*; docs/milky.md says why 1.2 and what
onebot_ref decided where the spec is silent. Pages cited: ``protocol/src/ir.json`` (the IR),
``docs/content/guide/communication.md``, ``compatibility.md``, ``docs/content/changelog.md``.

Tables (the IR, by hand, proven equal to it by tests/protocol/milky/test_milky_ir.py):

- ``schema``    Field/Struct/Union/Variant/Api, the kinds and their integer ranges
- ``structs``   STRUCTS: the 16 common structs (Event, entities, segments, messages)
- ``apis``      APIS: the 64 APIs with their inputs and outputs; ``exists(name)``

Functions, what the layers above build on:

- ``params``    ``bind(api, body) -> dict``: the strict binder, MilkyError(-400, "path: why")
- ``envelope``  ``ok(data)``, ``failed(retcode, message)``, ``MilkyError``, RETCODES and
                ``milky_error(ActionError)`` / ``from_world_error`` / ``internal_error``;
                HTTP_STATUS (401/404/415)
- ``segments_out``  ``to_onebot(bound message, reply_id) -> OneBot 11 canonical array``;
                ``check_uri(path, uri)`` for the other URI parameters
- ``segments_in``   ``to_milky(OneBot 11 array, Lookups) -> IncomingSegment list``;
                ``Lookups(mention_name, reply, media, forward)``; ``forward_card(nodes)``
- ``entities``  one builder per response struct (friend, group, group_member, incoming_message,
                ..., the five group notifications)
- ``events``    one builder per event type (``group_mute(time, self_id, *, ...)`` ...),
                BUILDERS by event_type, ``event(type, time, self_id, data)``
- ``conform``   ``problems(struct, value)``, ``output_problems(api, data)``: does what the
                server sends match the IR (tests run it over every answer and event)
- ``sse``       ``encode(event) -> str`` (the one wire text of an event), ``frame(text)``,
                KEEPALIVE
- ``transport`` ``bearer``, ``event_token``, ``refused``, ``wants_websocket``, ``is_json``,
                ``webhook_headers``

How a call flows (the action layer's contract): the transport checks path, method, token
(``transport.refused``), Content-Type (``transport.is_json``), size, ``apis.exists``, decodes
strict JSON (a failure: ``failed(-400, ...)``, MLK-40); the dispatcher calls ``params.bind``,
then the API's function, which turns ``message`` into OneBot segments with
``segments_out.to_onebot``, calls the world, and builds its answer with ``entities``; the
dispatcher wraps it in ``ok`` or turns MilkyError / ActionError / anything else into
``failed`` (``from_error`` / ``from_world_error`` / ``internal_error``), in that one place.
"""
