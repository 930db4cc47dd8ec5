"""``hub_scopes`` where the mutants that survived its fast tests showed nothing looked: group
filters resolved before JupyterHub's ``check_scopes`` sees them (it can only warn about them
and match nothing), and the words and field of a refused team name.

Measured with ``python -m bench.mutation --one schillinger_kernel/server/hub_scopes.py --tests``
``test_units.py``, ``test_hub_config.py``, ``test_hub_mutants.py``, ``test_hub_shares.py`` and
the tests of ``test_hub_groups.py`` that need no running hub: 441 killed / 93 survived (82.6%)
before this file; see ``bench/mutation_report.md``.

Survivors left, with the reason:

- ``_group_scopes_as_owner`` splitting with ``rpartition`` for ``partition``: a scope the hub
  expands holds one filter (one ``!``), and hub group names hold no ``=``, so both splits agree.
- ``owner_groups`` (asking the hub for the owner's groups), ``HubScopeAuthorizer._shares``
  (its TLS context, token and share list) and the hub-facing half of ``is_authorized``: they
  run inside the single-user server a real hub spawns, where mutmut cannot switch mutants on,
  so ``test_hub_scopes_live_mutants.py`` drives them in the test's own process against a real
  hub; the survivors left there are listed, with reasons, in its docstring.
"""

from __future__ import annotations

import warnings

import pytest

from schillinger_kernel.errors import ParameterError
from schillinger_kernel.server.hub_scopes import WRITE_SCOPE, hub_config_lines, hub_decision

BAND = ["access:servers!group=band", f"{WRITE_SCOPE}!group=band"]


@pytest.mark.parametrize(("groups", "allowed"), [(["band"], True), (["strings"], False),
                                                  ([], False)])
def test_group_filters_never_reach_jupyterhubs_matcher(groups: list[str],
                                                       allowed: bool) -> None:
    # JupyterHub's check_scopes cannot resolve !group= without its database: it warns and
    # matches nothing. With the owner's groups known, hub_decision resolves (or drops) every
    # group filter first, so the matcher never sees one and nothing warns.
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        for action in ("read", "write"):
            d = hub_decision(action, "schillinger", username="bob", scopes=BAND,
                             owner="alice", owner_groups=groups)
            assert d.allowed is allowed
    assert [str(w.message) for w in seen] == []


@pytest.mark.parametrize("bad", ["Band", "a b", ""])
def test_a_refused_team_name_says_what_is_allowed(bad: str) -> None:
    with pytest.raises(ParameterError) as info:
        hub_config_lines(teams=[bad])
    assert str(info.value) == ("teams must be hub group names of lower-case letters, digits "
                               f"and '-_.~' (they name a role), got {bad!r}")
    assert info.value.field == "teams"
