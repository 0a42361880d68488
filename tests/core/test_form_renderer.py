"""Widgets come from Django's Jinja2 templates where it has them, and the admin's own widgets (which
only the template language has) still render."""

import pytest
from django.forms.renderers import get_default_renderer

from core.form_renderer import FormRenderer
from stations.forms.coverage import CoverageDateForm


def test_widgets_render_through_jinja2_and_admin_widgets_through_the_template_language():
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    html = str(CoverageDateForm()["at"])
    assert 'type="date"' in html and 'name="at"' in html
    assert renderer.get_template("django/forms/widgets/input.html").__module__.startswith("django.template.backends.jinja2")
    admin = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert admin.__module__.startswith("django.template.backends.django")


@pytest.mark.django_db
def test_an_admin_add_page_renders_its_related_widgets(admin_client):
    page = admin_client.get("/admin/stations/target/add/").content.decode()
    assert 'class="related-widget-wrapper"' in page
