"""The rotation tests run on the organization tests' small province (see organization/tests/conftest.py)."""

from organization.tests.conftest import (  # noqa: F401 -- fixtures
    Province,
    admin_user,
    board_user,
    cadre_a,
    cadre_b,
    manager_a,
    manager_b,
    province,
)
