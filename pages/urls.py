"""The site's own pages, at the top of the site's addresses (/about/, not
/articles/about/), and the readers' problem report form."""

from django.urls import path

from pages import decide_views, views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("emerging/", views.emerging, name="emerging"),
    path("care/", views.care, name="care"),
    path("about/", views.about, name="about"),
    path("editorial-policy/", views.editorial_policy, name="editorial_policy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("contact/", views.contact, name="contact"),
    # The decision aid (issue 22): questions, answers, a summary to print.
    path("decide/", decide_views.decide, name="decide"),
    path("decide/answers/", decide_views.decide_answers, name="decide_answers"),
    path("decide/summary/", decide_views.decide_summary, name="decide_summary"),
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/thanks/", views.feedback_thanks, name="feedback_thanks"),
]
