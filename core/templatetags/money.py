"""``{% load money %}``: amounts of yuan on screen.

``{{ amount|yuan }}`` → ¥600,000.00 (tables and facts); ``{{ amount|yuan_prose }}`` →
600,000.00 元 (inside a sentence); ``{{ value|figure }}`` formats a :class:`core.money.Money`
and leaves any other figure as it is (summaries that mix counts, percentages and amounts).
Nothing (``None``) renders as "", so ``|default:"—"`` still applies."""

from django import template
from django.utils.translation import gettext as _

from core import money

register = template.Library()


@register.filter
def yuan(value) -> str:
    return money.yuan(value)


@register.filter
def yuan_prose(value) -> str:
    text = money.grouped(value)
    return _("%(amount)s 元") % {"amount": text} if text else ""


@register.filter
def figure(value):
    return money.yuan(value) if isinstance(value, money.Money) else value
