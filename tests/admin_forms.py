"""Helpers for tests that post admin forms."""


def form_data(response) -> dict:
    """What the browser would send back from an admin change form, unchanged."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            data[key] = ([str(v) for v in value] if isinstance(value, (list, tuple)) else
                         "on" if value is True else str(value))

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    token = response.context.get("edit_token")
    if token:
        data["_edit_token"] = token
    return data
