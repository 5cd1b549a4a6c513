"""Admin for price imports: upload, preview and apply a file of new estimates."""
