"""Bad input never breaks the Milky face: for every API, bodies that are valid, arbitrary or
partly absent at every depth (milky_samples.body_for, hypothesis) get an envelope with 0, -400,
-403 or -404 and never -500 (a bug) nor an exception (MLK-6/7/9); and the world keeps serving
valid calls afterwards."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from milky_samples import body_for
from milky_world import make, ok
from onebot_ref.protocol.milky.apis import APIS
from onebot_ref.protocol.milky.envelope import is_envelope


@pytest.mark.parametrize("api", sorted(APIS))
def test_no_body_breaks_an_api(api, tmp_path):
    world, milky, _ = make(tmp_path)

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=body_for(APIS[api]))
    def call(body):
        envelope = milky.call(api, body)
        assert is_envelope(envelope), envelope
        assert envelope["retcode"] in (0, -400, -403, -404), envelope

    try:
        call()
        assert ok(milky, "get_login_info")["uin"] == world.self_id
    finally:
        world.close()
