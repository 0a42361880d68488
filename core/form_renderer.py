"""Form widgets rendered through Django's own Jinja2 templates (the same markup, in about a third
less time than through the template language: a monthly report's form has some seventy fields),
and through the template language where only it has the template (the admin's widgets)."""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


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
