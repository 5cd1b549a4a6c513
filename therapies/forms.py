from django import forms


class TherapyFilterForm(forms.Form):
    """The filters on /therapies/: how a medicine is taken, how often, the MS
    types it is licensed for and how well it works. Sent with GET, so they
    work without JavaScript and a filtered list has its own address.

    Every value the site knows is accepted (a shared address keeps working
    when the list changes), but the lists offer only the options that narrow
    the current list: `offer()` sets them from queries.chooser()."""

    ANY = ""
    FIELDS = {
        # name: (label, what a wrong value says)
        "route": ("How it is taken", "ways of taking a medicine"),
        "how_often": ("How often", "dose schedules"),
        "ms_type": ("Type of MS it is licensed for", "types of MS"),
        "efficacy": ("How well it works", "efficacy levels"),
    }

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, kind) in self.FIELDS.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[(self.ANY, "Any")] + list((choices or {}).get(name, [])),
                error_messages={
                    "invalid_choice": f"We don't have any {kind} called “%(value)s”. "
                    "Pick one from the list. For now this filter is left out.",
                },
            )

    def chosen(self):
        """{name: value or None}: the valid choices; a value we don't know
        counts as "Any" (the field's error says so)."""
        if not self.is_bound:
            return {name: None for name in self.FIELDS}
        self.is_valid()
        return {name: (self.cleaned_data.get(name) or None) for name in self.FIELDS}

    def offer(self, offered):
        """Show only `offered` options ({name: [(value, label, count)]}); a
        filter with nothing to offer is left out of the form."""
        for name in self.FIELDS:
            options = offered.get(name, [])
            if not options and not self.has_error(name):
                del self.fields[name]
                continue
            self.fields[name].widget.choices = [(self.ANY, "Any")] + [
                (value, f"{label} ({count})") for value, label, count in options
            ]

    @property
    def has_filters(self):
        return bool(self.fields)
