"""Who a client is, at the edges: the identity made from jupyter-server's own ``User``, the
colour a user keeps on every server, the names a client may claim, and the random users of
the shared token.

Written against the mutants that survived ``mutmut`` on ``server/identity.py`` with
``tests/server/test_units.py``, ``test_osc_auth.py`` and ``test_hub_config.py`` (most of the
module was reached by doctests alone); see ``bench/mutation.py``.

Survivors judged equivalent (6 of 108): the ``getattr(user, name, "")`` defaults changed to ``None``
(``None or ""`` and ``"" or ""`` are both ``""``, so nothing downstream differs); ``if user``
changed to ``if user or True`` (a falsy user object has no non-empty ``username`` in any
identity provider -- ``None``, ``0`` and ``""`` are refused either way, tested below).
"""

from __future__ import annotations

import pytest
from jupyter_server.auth import User

from schillinger_kernel.errors import Forbidden
from schillinger_kernel.server.identity import MAX_NAME, PALETTE, Identity


def test_the_palette_is_matplotlibs_ten() -> None:
    assert PALETTE == ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                       "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
    assert MAX_NAME == 100


@pytest.mark.parametrize(("username", "color"), [
    # the first byte of sha256(username), modulo 10, picks the colour: worked with sha256sum
    ("alice", "#d62728"), ("bob", "#17becf"), ("carol", "#e377c2"), ("", "#7f7f7f"),
])
def test_a_user_keeps_one_colour(username: str, color: str) -> None:
    assert Identity(username).color == color
    assert Identity(username, "Someone Else").color == color  # the username picks it
    assert Identity(username, color="#000000").color == "#000000"  # given: kept


def test_defaults_and_plain_data() -> None:
    a = Identity("ann")
    assert (a.username, a.display_name, a.initials) == ("ann", "ann", "")
    assert a.to_dict() == {"username": "ann", "display_name": "ann", "color": a.color,
                           "initials": ""}
    b = Identity("ann", "Ann Lee", "#123456", "AL")
    assert b.to_dict() == {"username": "ann", "display_name": "Ann Lee", "color": "#123456",
                           "initials": "AL"}


def test_made_from_jupyter_servers_user() -> None:
    u = User(username="u1", name="Ann Name", display_name="Ann Display", initials="AD",
             color="#abcdef")
    assert Identity.of(u) == Identity("u1", "Ann Display", "#abcdef", "AD")
    # jupyter-server fills display_name from name; with neither, the username
    assert Identity.of(User(username="u2", name="Bo")).display_name == "Bo"
    plain = Identity.of(User(username="u3"))
    assert plain == Identity("u3", "u3", Identity("u3").color, "")
    assert plain.initials == "" and plain.color == Identity("u3").color


def test_the_name_falls_back_in_order() -> None:
    class Named:  # an identity provider's user that sets only `name` (jupyter-server < 2.0)
        username = "u4"
        display_name = ""
        name = "Only Name"

    assert Identity.of(Named()).display_name == "Only Name"
    Named.name = ""
    assert Identity.of(Named()).display_name == "u4"
    Named.display_name = "Shown"
    Named.name = "Hidden"
    assert Identity.of(Named()).display_name == "Shown"


def test_long_names_are_cut_to_the_limit() -> None:
    long = "x" * (MAX_NAME + 50)
    got = Identity.of(User(username="u", display_name=long))
    assert got.display_name == "x" * MAX_NAME
    exact = Identity.of(User(username="u", display_name="y" * MAX_NAME))
    assert exact.display_name == "y" * MAX_NAME


class _NoName:  # what an identity provider that failed to log anyone in might return
    username: str | None = ""


class _NoneName:
    username = None


@pytest.mark.parametrize("user", [None, _NoName(), _NoneName(), object(), 0, ""])
def test_no_user_is_not_authenticated(user: object) -> None:
    with pytest.raises(Forbidden) as info:
        Identity.of(user)
    assert str(info.value) == "not authenticated"


def test_the_shared_tokens_random_users() -> None:
    hex32 = "0123456789abcdef" * 2
    assert Identity(hex32, "Anonymous Io").shares_the_token is True
    assert Identity(hex32, "Anonymous ").shares_the_token is True
    assert Identity(hex32, "AnonymousIo").shares_the_token is False  # the space matters
    assert Identity(hex32, "Io Anonymous ").shares_the_token is False
    assert Identity(hex32).shares_the_token is False  # display name = username
    assert Identity(hex32[:31], "Anonymous Io").shares_the_token is False
    assert Identity(hex32 + "0", "Anonymous Io").shares_the_token is False
    assert Identity(hex32.upper(), "Anonymous Io").shares_the_token is False
    assert Identity("g" * 32, "Anonymous Io").shares_the_token is False
    assert Identity("x" + hex32, "Anonymous Io").shares_the_token is False


def test_claims_ignore_case_and_spaces_but_not_other_names() -> None:
    ann = Identity("ann.lee", "  Ann Lee ")
    for name in ("ann.lee", "ANN.LEE", "  ann.lee  ", "Ann Lee", "ann lee", " ANN LEE "):
        assert ann.claims(name) is True, name
    for other in ("Ann", "ann.le", "Bob", "", "annlee", None, 7, ["ann.lee"]):
        assert ann.claims(other) is False, other
    # casefold, not lower: the German sharp s matches "ss"
    assert Identity("strasse").claims("STRAẞE") is True


def test_a_user_with_only_a_username() -> None:
    class Bare:  # an identity provider's user with no optional fields at all
        username = "u5"

    got = Identity.of(Bare())
    assert got == Identity("u5")
    assert (got.display_name, got.color, got.initials) == ("u5", Identity("u5").color, "")
