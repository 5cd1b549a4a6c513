"""Admin for categories, therapies and their cost estimates."""
