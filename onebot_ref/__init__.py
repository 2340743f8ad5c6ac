"""onebot_ref: the OneBot 11 reference server.

It plays the implementation side of OneBot 11 (the side that normally wraps a QQ client)
against a simulated QQ world, so a bot can be pointed at it without a QQ account.

Reading order for someone learning OneBot 11 from the code (see README.md for the full map):

1. ``protocol/`` — the rules as pure functions: responses, parameters, CQ codes, events.
2. ``world/`` — the simulated QQ: accounts, groups, messages; actions change it.
3. ``actions/`` — one function per OneBot action, named after it.
4. ``modes/`` — one module per communication mode: the I/O.
5. ``console/`` — the separate server where a person plays the other users.
"""

__version__ = "0.1.0"
