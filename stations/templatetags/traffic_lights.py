"""The traffic-light legend, the same on every page that shows a region's light."""

from django import template

from stations.selectors.lights import light_legend as legend_rows

register = template.Library()


@register.inclusion_tag("stations/includes/light_legend.html")
def light_legend():
    return {"legend": legend_rows()}
