from django import forms


class RouteFilterForm(forms.Form):
    """The "How it is given" filter on /therapies/. Sent with GET, so it works
    without JavaScript and a filtered list has its own address."""

    ANY = ""

    route = forms.ChoiceField(
        label="How it is given",
        required=False,
        error_messages={
            "invalid_choice": "We don't have a way of giving medicines called “%(value)s”. "
            "Pick one from the list. For now the page shows every medicine.",
        },
    )

    def __init__(self, *args, routes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [(self.ANY, "Any")] + list(routes)

    def selected_route(self):
        """The chosen route, or None for "Any" and for a value we don't know."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["route"] or None
        return None
