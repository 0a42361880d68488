"""``{% figures %}…{% endfigures %}``: a page's part cached until a write changes its figures
(:class:`core.figures.Fragment`, passed by the view as ``figures``). Without one the part renders as is."""

from django import template

register = template.Library()


class FiguresNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        fragment = context.get("figures")
        if fragment is None:
            return self.nodelist.render(context)

        def render_with(extra: dict) -> str:
            with context.push(**extra):
                return self.nodelist.render(context)

        return fragment.render(render_with)


@register.tag("figures")
def do_figures(parser, token):
    nodelist = parser.parse(("endfigures",))
    parser.delete_first_token()
    return FiguresNode(nodelist)
