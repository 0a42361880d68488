"""Form widgets rendered through Django's own Jinja2 templates (the same markup, in about a third
less time than through the template language: a monthly report's form has some seventy fields),
and through the template language where only it has the template (the admin's widgets)."""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2, get_default_renderer
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe


class FormRenderer(BaseRenderer):
    @cached_property
    def jinja2(self):
        return Jinja2()

    @cached_property
    def django(self):
        return DjangoTemplates()

    @cached_property
    def django_only(self) -> set[str]:
        return set()

    def get_template(self, template_name):
        if template_name not in self.django_only:
            try:
                return self.jinja2.get_template(template_name)
            except TemplateDoesNotExist:
                self.django_only.add(template_name)  # not looked for again
        return self.django.get_template(template_name)


def render_jinja2(template_name: str, context: dict) -> SafeString:
    """A Jinja2 template of an app's ``jinja2/`` folder, through the form renderer's environment (one
    template cache), as markup for the template language: for the long tables of a page, whose every value
    the view has already worked out and translated. Jinja2 escapes every value as the template language does."""
    renderer = get_default_renderer()
    engine = renderer.jinja2 if isinstance(renderer, FormRenderer) else Jinja2()
    return mark_safe(engine.get_template(template_name).render(context))  # escaped by Jinja2
