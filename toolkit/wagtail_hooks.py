from wagtail.snippets.models import register_snippet

from toolkit.viewsets import TaxonomyViewSetGroup

register_snippet(TaxonomyViewSetGroup)
