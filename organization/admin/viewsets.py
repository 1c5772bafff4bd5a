"""Wagtail admin for units, cadres, positions and unit levels.

Every view that lists or takes an id asks the model's permission policy
(organization.permission_policies), which joins Django permissions with the selectors' scope:
an object outside the user's scope is answered 404, an action the user may not take 403.
"""


import django_filters
from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, NumberColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.log_actions import log

from .. import exports, selectors, services
from ..forms import CadreAdminForm, ShortListIterator, UnitAdminForm, UnitCloseForm, UnitMergeForm
from ..models import (
    FULLTIME_DEPUTY_BASIS,
    FULLTIME_DEPUTY_RULE,
    Cadre,
    CadreStatus,
    Grade,
    Position,
    PositionGroup,
    Unit,
    UnitKind,
    UnitLevel,
)
from .scoped import (
    OrganizationViewSet,
    ScopedActionView,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    SpreadsheetIndexView,
)

# ---------------------------------------------------------------------------------------------
# Units


class UnitFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("kind"), choices=UnitKind.choices, widget=forms.RadioSelect)
    level = django_filters.ModelChoiceFilter(label=gettext_lazy("level"), queryset=UnitLevel.objects.all())
    is_active = django_filters.BooleanFilter(label=gettext_lazy("active"))
    needs_fulltime_deputy = django_filters.BooleanFilter(
        label=gettext_lazy("Needs a full-time deputy chair"), method="filter_needs_fulltime_deputy",
        help_text=format_lazy("{} ({})", FULLTIME_DEPUTY_RULE, FULLTIME_DEPUTY_BASIS),
    )

    class Meta:
        model = Unit
        fields = ["kind", "level", "is_active"]

    def filter_needs_fulltime_deputy(self, queryset, name, value):
        if value is None:
            return queryset
        # The index annotates `needs_fulltime_deputy` (selectors.with_needs_fulltime_deputy).
        return queryset.filter(needs_fulltime_deputy=value)


class SubUnitsColumn(Column):
    cell_template_name = "organization/admin/subunits_cell.html"

    def __init__(self, *args, index_url_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.index_url_name = index_url_name

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = f"{reverse(self.index_url_name)}?parent={instance.pk}" if instance.numchild else ""
        context["count"] = instance.numchild
        return context


class DeputyFlagColumn(Column):
    cell_template_name = "organization/admin/deputy_flag_cell.html"


class UnitIndexView(ScopedIndexView):
    """The tree, one level at a time: the top (roots, or a manager's own unit), or the children
    of ?parent=<id>, with the ancestors as breadcrumbs. Searching or filtering looks through
    the whole visible tree (under the parent, if one is open)."""

    @cached_property
    def parent_unit(self):
        raw = self.request.GET.get("parent")
        if not raw:
            return None
        try:
            pk = int(raw)
        except ValueError as exc:
            raise Http404 from exc
        return get_object_or_404(selectors.units_visible_to(self.request.user), pk=pk)

    def get(self, request, *args, **kwargs):
        self.parent_unit  # noqa: B018 -- a parent outside the user's tree is a 404 before anything else
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        user = self.request.user
        parent = self.parent_unit
        if self.is_searching or self.is_filtering:
            units = selectors.units_visible_to(user)
            if parent is not None:
                units = units.filter(path__startswith=parent.path).exclude(pk=parent.pk)
        elif parent is not None:
            units = selectors.unit_children(user, parent)
        else:
            units = selectors.unit_tree_top(user)
        return selectors.with_needs_fulltime_deputy(units.select_related("level"))

    def get_page_subtitle(self):
        return self.parent_unit.name if self.parent_unit else ""

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items]
        parent = self.parent_unit
        title = capfirst(Unit._meta.verbose_name_plural)
        if parent is None:
            return [*items, {"url": "", "label": title}]
        items.append({"url": self.index_url, "label": title})
        for ancestor in selectors.unit_ancestors_visible_to(self.request.user, parent):
            items.append({"url": f"{self.index_url}?parent={ancestor.pk}", "label": ancestor.name})
        items.append({"url": "", "label": parent.name})
        return items

    def get_add_url(self):
        url = super().get_add_url()
        if url and self.parent_unit is not None:
            url += f"?parent={self.parent_unit.pk}"
        return url

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.numchild:
            buttons.append(
                MenuItem(_("Sub-units"), url=f"{self.index_url}?parent={instance.pk}", icon_name="folder-open-inverse",
                         priority=5)
            )
        buttons.append(
            MenuItem(_("Cadres"), url=f"{reverse('organization_cadre:index')}?unit={instance.pk}", icon_name="group",
                     priority=6)
        )
        if instance.is_active and self.user_has_permission("change"):
            buttons.append(
                MenuItem(_("Merge into…"), url=reverse("organization_unit:merge", args=[instance.pk]),
                         icon_name="resubmit", priority=40)
            )
            buttons.append(
                MenuItem(_("Close"), url=reverse("organization_unit:close", args=[instance.pk]), icon_name="lock",
                         priority=41)
            )
        return buttons


class UnitCreateView(ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        raw = self.request.GET.get("parent")
        if raw and raw.isdigit():
            parent = selectors.units_for_cadre_form(self.request.user).filter(pk=int(raw)).first()
            if parent is not None:
                initial["parent"] = parent
        return initial

    def save_instance(self):
        unit = self.form.save(commit=False)
        parent = self.form.cleaned_data.get("parent")
        if parent is None:
            unit = Unit.add_root(instance=unit)
        else:
            unit = Unit.objects.get(pk=parent.pk).add_child(instance=unit)
        log(instance=unit, action="wagtail.create", content_changed=True)
        return unit


class UnitDeleteView(ScopedDeleteView):
    def refuse_reason(self):
        if self.object.numchild:
            return _("“%(unit)s” has sub-units: close or merge the unit instead of deleting it.") % {
                "unit": self.object
            }
        if self.object.assignments.exists():
            return _("“%(unit)s” has cadres or position history: close or merge it instead.") % {"unit": self.object}
        return None


class UnitActionView(ScopedActionView):
    """Base for close / merge: an action on one open unit the user may change."""

    model = Unit
    header_icon = "folder-open-inverse"
    explanation = ""

    def unavailable(self):
        return None if self.object.is_active else _("“%(unit)s” is already closed.") % {"unit": self.object}

    def return_url(self):
        url = reverse("organization_unit:index")
        parent = self.object.get_parent()
        return f"{url}?parent={parent.pk}" if parent is not None else url

    def get_explanation(self) -> str:
        return self.explanation

    def get_page_subtitle(self):
        return self.object.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("organization_unit:index"), "label": capfirst(Unit._meta.verbose_name_plural)},
            {"url": reverse("organization_unit:edit", args=[self.object.pk]), "label": self.object.name},
            {"url": "", "label": self.get_page_title()},
        ]


class UnitCloseView(UnitActionView):
    form_class = UnitCloseForm
    page_title = gettext_lazy("Close unit")
    submit_button_label = gettext_lazy("Close the unit")
    explanation = gettext_lazy(
        "A closed unit stays in the tree with its history. It must have no active cadres and no active sub-units."
    )

    def perform(self, form):
        services.unit_close(unit=self.object, on=form.cleaned_data.get("on"))
        return _("“%(unit)s” is closed.") % {"unit": self.object.name}


class UnitMergeView(UnitActionView):
    form_class = UnitMergeForm
    page_title = gettext_lazy("Merge unit")
    submit_button_label = gettext_lazy("Merge")
    explanation = gettext_lazy(
        "The unit's active cadres and sub-units move to the chosen unit; the cadres' position history records "
        "the move. The unit is then closed and remembers which unit it was merged into."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "source": self.object, "user": self.request.user}

    def perform(self, form):
        target = form.cleaned_data["target"]
        services.unit_merge(source=self.object, target=target, on=form.cleaned_data.get("on"))
        return _("“%(source)s” is merged into “%(target)s”.") % {"source": self.object.name, "target": target.name}

    def index_url(self):
        return reverse("organization_unit:index")


class UnitViewSet(OrganizationViewSet):
    model = Unit
    name = "organization_unit"
    url_prefix = "organization/units"
    icon = "folder-open-inverse"
    index_view_class = UnitIndexView
    add_view_class = UnitCreateView
    delete_view_class = UnitDeleteView
    filterset_class = UnitFilterSet
    search_fields = ["name", "code"]
    search_backend_name = None
    ordering = "path"
    list_per_page = 50
    inspect_view_fields = [
        "code", "name", "kind", "level", "depth", "party_member_count", "is_active", "closed_on", "merged_into",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("parent"),
            FieldPanel("code"),
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("level"),
            FieldPanel("party_member_count"),
        ],
        base_form_class=UnitAdminForm,
    )

    @property
    def list_display(self):
        return [
            "name",
            "code",
            Column("kind", label=capfirst(Unit._meta.get_field("kind").verbose_name), accessor="get_kind_display",
                   sort_key="kind"),
            Column("level", label=capfirst(Unit._meta.get_field("level").verbose_name), accessor="level"),
            NumberColumn("depth", label=gettext_lazy("Depth"), sort_key="depth"),
            NumberColumn("party_member_count", label=capfirst(Unit._meta.get_field("party_member_count").verbose_name),
                         sort_key="party_member_count"),
            BooleanColumn("is_active", label=capfirst(Unit._meta.get_field("is_active").verbose_name)),
            DeputyFlagColumn("needs_fulltime_deputy", label=gettext_lazy("Full-time deputy chair")),
            SubUnitsColumn("subunits", label=gettext_lazy("Sub-units"), index_url_name=self.get_url_name("index")),
        ]

    @property
    def close_view(self):
        return self.construct_view(UnitCloseView)

    @property
    def merge_view(self):
        return self.construct_view(UnitMergeView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("close/<int:pk>/", self.close_view, name="close"),
            path("merge/<int:pk>/", self.merge_view, name="merge"),
        ]


# ---------------------------------------------------------------------------------------------
# Cadres


def _units_for_cadre_filter(request):
    return selectors.units_visible_to(request.user).order_by("path")


class _UnitTreeChoiceField(django_filters.fields.ModelChoiceField):
    """Accepts any visible unit (the "Cadres" link of a cell filters on it) but lists only the
    upper levels: a province has thousands of units."""

    iterator = ShortListIterator

    @property
    def display_queryset(self):
        return self.queryset.filter(depth__lte=3)

    def label_from_instance(self, obj):
        return f"{'— ' * (obj.depth - 1)}{obj.name}"


class UnitTreeFilter(django_filters.ModelChoiceFilter):
    field_class = _UnitTreeChoiceField


class CadreFilterSet(WagtailFilterSet):
    unit = UnitTreeFilter(label=gettext_lazy("Unit"), queryset=_units_for_cadre_filter, method="filter_unit")
    position = django_filters.ModelChoiceFilter(label=gettext_lazy("Position"), queryset=Position.objects.all())
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=CadreStatus.choices, widget=forms.RadioSelect
    )
    grade = django_filters.ChoiceFilter(
        label=gettext_lazy("Grade"), choices=Grade.choices[1:], widget=forms.RadioSelect
    )

    class Meta:
        model = Cadre
        fields = []

    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(unit__path__startswith=value.path)


class CadreIndexView(SpreadsheetIndexView):
    import_url_name = "organization_cadre_import"
    export_filename = "can-bo"

    def can_import(self) -> bool:
        return self.request.user.has_perm("organization.add_cadre")

    def workbook(self, queryset) -> bytes:
        return exports.cadres_workbook(queryset)

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("unit")
        if raw and not (raw.isdigit() and selectors.units_visible_to(request.user).filter(pk=int(raw)).exists()):
            # A unit outside the user's tree is not silently ignored: it is not there for them.
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return self.scoped_queryset().select_related("unit", "position")

    @cached_property
    def columns(self):
        columns = super().columns
        # Clicking "full name" sorts in Vietnamese order, not by code point.
        columns[0].sort_key = "name_sort_key"
        return columns



class CadreCreateView(ScopedCreateView):
    def save_instance(self):
        data = dict(self.form.cleaned_data)
        fields = {
            name: data[name]
            for name in ("gender", "date_of_birth", "grade", "theory_level", "appointed_on", "status", "email", "user")
            if name in data
        }
        cadre = services.cadre_create(
            code=data["code"], full_name=data["full_name"], unit=data["unit"], position=data["position"], **fields
        )
        log(instance=cadre, action="wagtail.create", content_changed=True)
        return cadre


class CadreEditView(ScopedEditView):
    def save_instance(self):
        data = dict(self.form.cleaned_data)
        fields = {
            name: data[name]
            for name in (
                "code", "full_name", "gender", "date_of_birth", "grade", "theory_level", "appointed_on", "email", "user"
            )
            if name in data
        }
        cadre = services.cadre_update(
            cadre=self.object, unit=data["unit"], position=data["position"], status=data["status"],
            on=data.get("change_on"), reason=data.get("change_reason") or "", **fields,
        )
        log(instance=cadre, action="wagtail.edit", content_changed=True)
        return cadre


class CadreInspectView(ScopedInspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assignments"] = self.object.assignments.select_related("unit", "position").order_by("-start_date")
        return context


class CadreViewSet(OrganizationViewSet):
    model = Cadre
    name = "organization_cadre"
    url_prefix = "organization/cadres"
    icon = "group"
    index_view_class = CadreIndexView
    add_view_class = CadreCreateView
    edit_view_class = CadreEditView
    inspect_view_class = CadreInspectView
    filterset_class = CadreFilterSet
    search_fields = ["full_name", "code"]
    search_backend_name = None
    ordering = "name_sort_key"
    list_per_page = 50
    inspect_view_fields = [
        "code", "full_name", "gender", "date_of_birth", "unit", "position", "grade", "theory_level", "appointed_on",
        "status", "email",
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("code"),
                    FieldPanel("full_name"),
                    FieldPanel("gender"),
                    FieldPanel("date_of_birth"),
                    FieldPanel("email"),
                    FieldPanel("user"),
                ],
                heading=gettext_lazy("Person"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("unit"),
                    FieldPanel("position"),
                    FieldPanel("grade"),
                    FieldPanel("theory_level"),
                    FieldPanel("appointed_on"),
                    FieldPanel("status"),
                    FieldPanel("change_on"),
                    FieldPanel("change_reason"),
                ],
                heading=gettext_lazy("Inspection work"),
            ),
        ],
        base_form_class=CadreAdminForm,
    )

    @property
    def list_display(self):
        field = Cadre._meta.get_field
        return [
            "full_name",  # the title column; CadreIndexView sorts it by name_sort_key
            "code",
            Column("unit", label=capfirst(field("unit").verbose_name), accessor="unit.name", sort_key="unit__path"),
            Column("position", label=capfirst(field("position").verbose_name), accessor="position.name"),
            Column("grade", label=capfirst(field("grade").verbose_name), accessor="get_grade_display"),
            Column("status", label=capfirst(field("status").verbose_name), accessor="get_status_display",
                   sort_key="status"),
        ]


# ---------------------------------------------------------------------------------------------
# Positions and unit levels: data, managed by administrators, read by everyone with access.


class PositionViewSet(OrganizationViewSet):
    model = Position
    name = "organization_position"
    url_prefix = "organization/positions"
    icon = "tag"
    form_fields = ["code", "name", "order", "is_committee_member", "is_fulltime", "is_deputy_chair"]
    list_display = ["name", "code", "order", "is_committee_member", "is_fulltime", "is_deputy_chair"]
    ordering = "order"
    search_fields = ["name", "code"]
    search_backend_name = None


class PositionGroupViewSet(OrganizationViewSet):
    """Groups of positions a target can count by (the key cadres: secretaries and deputy secretaries)."""

    model = PositionGroup
    name = "organization_positiongroup"
    url_prefix = "organization/position-groups"
    icon = "folder-inverse"
    form_fields = ["code", "name", "positions"]
    list_display = ["name", "code"]
    ordering = "name"


class UnitLevelViewSet(OrganizationViewSet):
    model = UnitLevel
    name = "organization_unitlevel"
    url_prefix = "organization/unit-levels"
    icon = "list-ol"
    form_fields = ["code", "name", "rank", "valid_from", "valid_to"]
    list_display = ["name", "code", "rank", "valid_from", "valid_to"]
    ordering = "rank"


class OrganizationViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Organization")
    menu_icon = "group"
    menu_order = 250
    submenu_hook = "register_organization_menu_item"
    items = (UnitViewSet, CadreViewSet, PositionViewSet, PositionGroupViewSet, UnitLevelViewSet)
