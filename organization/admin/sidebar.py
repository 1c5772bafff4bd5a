"""The admin sidebar greets the user by their given name.

Wagtail's sidebar shows `user.first_name`. KTLearn stores Vietnamese names so that Django's "first last"
reads in Vietnamese order: `first_name` holds the family and middle names ("Vũ Minh"), `last_name` the
given name ("Khoa"); logins made from the registry hold the whole name in `first_name`. The sidebar would
then greet "Vũ Minh" — a family name. It shows the given name instead: the last word of the full name."""

from wagtail.admin.ui import sidebar

from ..vnsort import given_name


def sidebar_name(user) -> str:
    """The given name of the user (last word of the full name, Vietnamese order), else the username."""
    return given_name(user.get_full_name()) or user.get_username()


class GivenNameMainMenuModule(sidebar.MainMenuModule):
    """Wagtail's main menu module (same telepath adapter, found through the class's bases) with the
    account's name replaced by the given name."""

    def js_args(self):
        menu_items, account_menu_items, account = super().js_args()
        return [menu_items, account_menu_items, {**account, "name": sidebar_name(self.user)}]


def install() -> None:
    """Make Wagtail's `sidebar_props` tag build this module (it looks the class up on the module at
    each render). Called once from OrganizationConfig.ready()."""
    sidebar.MainMenuModule = GivenNameMainMenuModule
