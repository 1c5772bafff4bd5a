"""Builders for tests: small, explicit, one per model."""

import itertools

import factory
from django.contrib.auth import get_user_model

from organization import roles
from organization.models import Cadre, Position, PositionAssignment, Unit, UnitKind, UserProfile

_codes = itertools.count(1)


def unit_tree_root(code="P", name="Tỉnh ủy Demo") -> Unit:
    return Unit.add_root(code=code, name=name, kind=UnitKind.PROVINCE)


def add_unit(parent: Unit, code: str, kind=UnitKind.BODY, name=None, **fields) -> Unit:
    parent = Unit.objects.get(pk=parent.pk)  # treebeard needs the parent's current numchild
    return parent.add_child(code=code, name=name or f"Đơn vị {code}", kind=kind, **fields)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"pos-{n}")
    name = factory.Sequence(lambda n: f"Chức vụ {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-Secret-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            groups = roles.ensure_groups()
            self.groups.add(groups[extracted])
        if create:
            self.save()


def make_manager(unit: Unit, username="manager") -> object:
    user = UserFactory(username=username, role=roles.UNIT_MANAGER)
    UserProfile.objects.update_or_create(user=user, defaults={"unit": unit})
    return user


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre
        skip_postgeneration_save = True  # the history hook writes its own rows; the cadre needs no re-save

    code = factory.LazyFunction(lambda: f"CB{next(_codes):06d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    position = factory.SubFactory(PositionFactory)

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            PositionAssignment.objects.create(
                cadre=self, unit=self.unit, position=self.position, start_date=self.appointed_on or "2020-01-01"
            )
