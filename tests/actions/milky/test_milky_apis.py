"""Every one of Milky 1.2's 64 APIs, called through MilkyActions.call with valid input over a
fresh world: each answer is ok and conforms to the IR (conform.output_problems, MLK-1/6/8/28),
and says what the world did (MLK-19..24 bind the bodies). The cases, one function per API:
api_cases_a.py (system, message, friend), api_cases_b.py (group, file)."""

from __future__ import annotations

import pytest

import api_cases_a
import api_cases_b
from milky_world import make
from onebot_ref.actions.milky import FUNCTIONS
from onebot_ref.protocol.milky.apis import APIS

CASES = {name[2:]: fn for module in (api_cases_a, api_cases_b)
         for name, fn in vars(module).items() if name.startswith("c_")}


def test_every_api_has_a_case():
    assert set(CASES) == set(APIS) and len(CASES) == 64


@pytest.mark.parametrize("api", sorted(CASES))
def test_every_api_answers_ok_and_conforms(api, tmp_path):
    world, milky, _ = make(tmp_path)
    try:
        CASES[api](world, milky)
    finally:
        world.close()


@pytest.mark.parametrize("api", sorted(CASES))
def test_every_function_is_named_after_its_api_and_cites_its_row(api):
    """One function per API, named after it; its docstring starts with its IR row."""
    fn = FUNCTIONS[api]
    assert fn.__name__ == api
    assert fn.__doc__.startswith(f"ir.json {APIS[api].category} {api} ({APIS[api].doc})")
