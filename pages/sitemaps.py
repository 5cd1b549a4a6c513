"""What search engines are told: /sitemap.xml lists every page a reader can
reach, each with the time its content last changed, and /robots.txt points
to it and keeps crawlers out of the admin, the staff previews and the search
results. Addresses are under MSINFO_SITE_URL when it is set.

Only live content is listed (the same queries the pages use), and a section
that has no page of its own (an emerging or supportive section with nothing
listed in it redirects to its place on its parent page) is left out, so the
sitemap names no redirect."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse

from articles.models import Article
from pages.models import SitePage
from articles.queries import published_articles
from therapies.queries import categories_with_own_page, published_therapies
from prices.countries import country_view
from prices.open_data import last_change
from therapies.models import Category
from core.site_url import absolute_url


class SiteSitemap(Sitemap):
    """Addresses under MSINFO_SITE_URL when it is set (the canonical links'
    address), else under the host the request came to."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme if settings.SITE_URL else super().get_protocol(protocol)

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else super().get_domain(site)


class TherapySitemap(SiteSitemap):
    def items(self):
        return published_therapies().only("slug", "updated_at")

    def lastmod(self, therapy):
        return therapy.updated_at


class CategorySitemap(SiteSitemap):
    def items(self):
        return categories_with_own_page().only("slug", "updated_at").order_by("display_order")

    def lastmod(self, category):
        return category.updated_at


class ArticleSitemap(SiteSitemap):
    def items(self):
        return published_articles().only("slug", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class SitePageSitemap(SiteSitemap):
    """The pages whose text is a site text: the home page, the emerging and
    supportive care pages, the decision aid's questions (once: its answer
    pages are the reader's own) and the site's own pages (about us and the rest)."""

    KEYS = (
        SitePage.Key.HOME_INTRODUCTION,
        SitePage.Key.EMERGING_INTRODUCTION,
        SitePage.Key.CARE_INTRODUCTION,
        SitePage.Key.DECIDE_INTRODUCTION,
    )

    def items(self):
        keys = (*self.KEYS, *SitePage.OWN_PAGES)
        return SitePage.objects.live().filter(key__in=keys).only("key", "updated_at").order_by("key")

    def lastmod(self, page):
        return page.updated_at


class ListingSitemap(SiteSitemap):
    """The lists, which change when anything in them does."""

    def items(self):
        return [
            ("therapies:therapy_list", published_therapies().aggregate(last=Max("updated_at"))["last"]),
            ("articles:article_list", Article.objects.live().aggregate(last=Max("updated_at"))["last"]),
            # "Reuse our data": the open price files' page changes with them (prices/open_data.py).
            ("prices:reuse_data", last_change()),
        ]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


class OtherCountrySitemap(SiteSitemap):
    """The pages that show prices, once more for each country other than the
    default: each country's view has its own address (?country=uk), which is
    its canonical address, so search engines find it."""

    def items(self):
        countries = country_view().countries[1:]
        if not countries:
            return []
        # The home page and the list change with their text and with any medicine.
        medicines_changed = published_therapies().aggregate(last=Max("updated_at"))["last"]
        home_changed = SitePage.objects.live().filter(key=SitePage.Key.HOME_INTRODUCTION).aggregate(
            last=Max("updated_at"))["last"]
        latest = max((moment for moment in (home_changed, medicines_changed) if moment), default=None)
        pages = [(reverse("pages:home"), latest), (reverse("therapies:therapy_list"), medicines_changed)]
        pages += [
            (category.get_absolute_url(), category.updated_at)
            for category in categories_with_own_page().filter(kind=Category.Kind.DISEASE_MODIFYING)
            .only("slug", "updated_at", "kind").order_by("display_order")
        ]
        pages += [(therapy.get_absolute_url(), therapy.updated_at) for therapy in published_therapies().only("slug", "updated_at")]
        return [(f"{path}?{urlencode({'country': country.code})}", changed) for country in countries for path, changed in pages]

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]


SITEMAPS = {
    "pages": SitePageSitemap,
    "lists": ListingSitemap,
    "categories": CategorySitemap,
    "therapies": TherapySitemap,
    "articles": ArticleSitemap,
    "countries": OtherCountrySitemap,
}


def robots_txt(request):
    sitemap = absolute_url(reverse("sitemap"), request)
    # Search results are pages of other pages (and each crawl would be logged
    # as a reader's search): crawlers follow the sitemap instead.
    disallowed = ["/admin/", "/preview/", "/search/"]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed), f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
