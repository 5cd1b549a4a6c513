# The catalogue admin; prices add their columns and rows to it (prices/admin/catalogue.py).
from therapies.admin import content  # noqa: F401
