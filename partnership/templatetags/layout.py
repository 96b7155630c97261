"""Template tags for the page layout.

`{% capture as name %}...{% endcapture %}` renders its contents into the variable `name`, so that
base.html can wrap a block that a page fills (the back link) in a landmark only when the page
fills it.
"""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str):
        self.nodelist = nodelist  # named so: blocks inside it are found by {% extends %}
        self.name = name

    def render(self, context) -> str:
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308 (rendered template output)
        return ""


@register.tag
def capture(parser, token):
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
