from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo province and its content (`manage.py load_demo`); installed by the dev and test settings only."""

    name = "demo"
    label = "demo"
    verbose_name = "Demo"
