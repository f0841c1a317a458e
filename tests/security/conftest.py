"""The LRS client fixtures of tests/xapi, for the security tests of the LRS."""

from tests.xapi.conftest import lrs, lrs2, make_lrs  # noqa: F401
