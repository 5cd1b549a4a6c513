# The admin is split by the people who use it: content editors work in
# `content`, price updates (estimates and imports) live in `prices`.
from therapies.admin import content, prices  # noqa: F401
