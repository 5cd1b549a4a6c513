"""The site's own pages, at the top of the site's addresses (/about/, not
/articles/about/), and the readers' problem report form."""

from django.urls import path

from articles import site_pages

app_name = "site_pages"

urlpatterns = [
    path("about/", site_pages.about, name="about"),
    path("editorial-policy/", site_pages.editorial_policy, name="editorial_policy"),
    path("accessibility/", site_pages.accessibility, name="accessibility"),
    path("contact/", site_pages.contact, name="contact"),
    path("feedback/", site_pages.feedback, name="feedback"),
    path("feedback/thanks/", site_pages.feedback_thanks, name="feedback_thanks"),
]
