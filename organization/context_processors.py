from . import roles as role_rules


def roles(request):
    """Role flags for menus. Lazily evaluated so anonymous pages pay no query."""
    user = request.user
    return {
        "is_board": role_rules.is_board(user),
        "is_unit_manager": role_rules.is_unit_manager(user),
        "is_trainer": role_rules.is_trainer(user),
        "is_administrator": role_rules.is_administrator(user),
    }
