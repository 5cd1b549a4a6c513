"""The decision aid's questions and a reader's answers (issue 22).

A question's wording (its title) and its one line on why it matters (its
body) are site texts (SitePage.Key.DECIDE_*), edited and reviewed in the
admin like every text; until one is live the page asks the plain question
written here and gives no "why" line, as nothing unreviewed reaches readers.
The answers a reader picks from are fixed here, because the aid matches
them against the medicines' structured values (pages/decision_match.py).

The answers live only in the address's query string: no account, no cookie,
nothing stored. An unknown value is left out and said so, never an error."""

from dataclasses import dataclass, field

from pages.models import SitePage

NOT_SURE = "not-sure"
ANY = "any"
NOT_SURE_LABEL = "Not sure"
ANY_LABEL = "Doesn't matter to me"


@dataclass(frozen=True)
class Question:
    name: str  # the query parameter
    key: str  # its SitePage.Key
    plain: str  # asked until its site text is live
    options: tuple  # ((value, label), ...), "not sure" and "doesn't matter" last
    text: object = None  # the live SitePage, set per request

    @property
    def wording(self):
        return self.text.title if self.text else self.plain

    @property
    def why(self):
        return self.text.body if self.text else ""

    def label_of(self, value):
        return dict(self.options).get(value, "")


def _with_unsure(*options, matters=True):
    """Every question can be answered "not sure"; all but the MS type also
    "doesn't matter to me" (an MS type is a fact, not a preference)."""
    return (*options, (NOT_SURE, NOT_SURE_LABEL), *([(ANY, ANY_LABEL)] if matters else []))


# The questions in the order the page asks them.
QUESTIONS = (
    Question(
        "ms",
        SitePage.Key.DECIDE_MS_TYPE,
        "Which type of MS do you have?",
        _with_unsure(
            ("cis", "Clinically isolated syndrome (a first episode)"),
            ("rrms", "Relapsing-remitting MS"),
            ("spms", "Active secondary progressive MS"),
            ("ppms", "Primary progressive MS"),
            matters=False,
        ),
    ),
    Question(
        "way",
        SitePage.Key.DECIDE_WAY,
        "How would you prefer to take a medicine?",
        _with_unsure(
            ("tablet", "A tablet or capsule at home"),
            ("home-injection", "An injection I give myself at home"),
            ("clinic", "An infusion or injection in a clinic"),
        ),
    ),
    Question(
        "often",
        SitePage.Key.DECIDE_OFTEN,
        "How often would you be willing to take it?",
        _with_unsure(
            ("daily", "Every day is fine"),
            ("weekly", "Once a week or less often"),
            ("monthly", "Once a month or less often"),
            ("yearly", "Only a few times a year"),
        ),
    ),
    Question(
        "tests",
        SitePage.Key.DECIDE_TESTS,
        "How many blood tests a year could you manage?",
        _with_unsure(
            ("0", "None"),
            ("4", "Up to 4 (about every 3 months)"),
            ("12", "Up to 12 (about once a month)"),
            ("53", "More if needed"),
        ),
    ),
    Question(
        "visits",
        SitePage.Key.DECIDE_VISITS,
        "How many visits to a clinic a year, to be given the medicine, could you manage?",
        _with_unsure(
            ("0", "None"),
            ("2", "Up to 2"),
            ("4", "Up to 4 (about every 3 months)"),
            ("13", "Up to 13 (about every 4 weeks)"),
        ),
    ),
    Question(
        "pregnancy",
        SitePage.Key.DECIDE_PREGNANCY,
        "Might you want to become pregnant, or father a child, in the next few years?",
        _with_unsure(("yes", "Yes, or maybe"), ("no", "No")),
    ),
    Question(
        "weighing",
        SitePage.Key.DECIDE_WEIGHING,
        "How do you weigh a stronger effect against a higher chance of rare serious risks?",
        _with_unsure(
            ("stronger", "I would accept a higher chance of rare serious risks for a stronger effect"),
            ("safer", "I would rather have a lower chance of rare serious risks, with a less strong effect"),
        ),
    ),
    Question(
        "cost",
        SitePage.Key.DECIDE_COST,
        "Does the cost matter to you?",
        _with_unsure(("yes", "Yes, show me the prices")),
    ),
)
QUESTION_NAMES = tuple(question.name for question in QUESTIONS)
# The page's own parameters: the answers and the country for prices
# (prices.countries.PARAMETER, which the country switch keeps).
PARAMETERS = (*QUESTION_NAMES, "country")


def questions_with(texts):
    """QUESTIONS with their live site texts ({key: SitePage or None})."""
    return tuple(
        Question(q.name, q.key, q.plain, q.options, texts.get(q.key)) for q in QUESTIONS
    )


@dataclass
class Answers:
    """A reader's answers: {name: value} for the questions answered with an
    option the question offers; `ignored` names what the address held that
    is not one (a mistyped or outdated link), for the page to say so."""

    chosen: dict = field(default_factory=dict)
    ignored: list = field(default_factory=list)

    def get(self, name):
        return self.chosen.get(name)

    def preference(self, name):
        """The answer when it is a preference the aid can match: not "not
        sure", not "doesn't matter", not unanswered."""
        value = self.chosen.get(name)
        return None if value in (None, NOT_SURE, ANY) else value

    @property
    def given(self):
        return bool(self.chosen)

    def listed(self, questions):
        """(question, answer label) for each answered question, in order."""
        return [(q, q.label_of(self.chosen[q.name])) for q in questions if q.name in self.chosen]


def read_answers(query):
    """The Answers in `query` (request.GET). Each question's last value
    counts (a form sent twice, or a link edited by hand); a value the
    question does not offer is left out and named in `ignored`."""
    answers = Answers()
    for question in QUESTIONS:
        values = [value.strip() for value in query.getlist(question.name) if value.strip()]
        if not values:
            continue
        value = values[-1]
        if value in dict(question.options):
            answers.chosen[question.name] = value
        else:
            answers.ignored.append(question.plain)
    return answers
