"""Admin widgets for the posting form: the KPI table."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from listings.choices import KPI

KPI_TARGET_MAX_LENGTH = 80
CHECKED = mark_safe(" checked")  # a constant, never user input


class KPITableWidget(forms.Widget):
    """One row per KPI: an "owned" checkbox and an optional target.

    The value is a list of {"code", "target"} dicts (what Listing.kpis stores);
    from submitted data it also carries "owned", so the field can tell a target
    typed next to an unticked KPI from one that is owned.
    """

    class Media:
        js = ["js/admin-kpis.js"]

    def target_name(self, name: str, code: str) -> str:
        return f"{name}__{code}__target"

    def value_from_datadict(self, data, files, name):
        owned = set(data.getlist(name)) if hasattr(data, "getlist") else set(data.get(name, []))
        rows = []
        for code in KPI.values:
            target = data.get(self.target_name(name, code), "") or ""
            if code in owned or target.strip():
                rows.append({"code": code, "target": target, "owned": code in owned})
        # codes no longer in the vocabulary cannot be ticked; keep them visible to clean()
        rows.extend(
            {"code": code, "target": "", "owned": True} for code in sorted(owned - set(KPI.values))
        )
        return rows

    def value_omitted_from_data(self, data, files, name):
        # unticked checkboxes are absent from the data; absence means "none owned"
        return False

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id") or f"id_{name}"
        by_code = {}
        for row in value or []:
            if isinstance(row, dict) and row.get("code"):
                by_code[row["code"]] = row
        rows = []
        for index, (code, label) in enumerate(KPI.choices):
            row = by_code.get(code)
            checked = row is not None and row.get("owned", True)
            target = (row or {}).get("target") or ""
            check_id = f"{base_id}_{index}"
            rows.append(
                format_html(
                    '<tr><td class="kpi-owned"><input type="checkbox" id="{}" name="{}"'
                    ' value="{}"{}></td>'
                    '<th scope="row"><label for="{}">{}</label></th>'
                    '<td><input type="text" class="vTextField kpi-target" id="{}_target"'
                    ' name="{}" value="{}" maxlength="{}" placeholder="optional, e.g. ≥ 90%"'
                    ' aria-label="Target for {}"></td></tr>',
                    check_id,
                    name,
                    code,
                    CHECKED if checked else "",
                    check_id,
                    label,
                    check_id,
                    self.target_name(name, code),
                    target,
                    KPI_TARGET_MAX_LENGTH,
                    label,
                )
            )
        return format_html(
            '<table class="kpi-widget" id="{}" data-kpi-widget>'
            '<thead><tr><th scope="col">Owned</th><th scope="col">KPI</th>'
            '<th scope="col">Target</th></tr></thead><tbody>{}</tbody></table>',
            base_id,
            format_html_join("\n", "{}", ((r,) for r in rows)),
        )

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


class CountriesSelectMultiple(FilteredSelectMultiple):
    """The admin's two-pane picker, wrapped so its script keeps the label on the left.

    SelectFilter2.js prepends the picker to the select's parent; in a model admin that
    parent is the related-widget wrapper, so give it one here too.
    """

    def __init__(self, attrs=None):
        super().__init__("applicant countries", is_stacked=False, attrs=attrs)

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<div class="related-widget-wrapper">{}</div>',
            super().render(name, value, attrs, renderer),
        )
