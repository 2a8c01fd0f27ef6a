"""Case documents: upload, checks, encrypted storage (also used for every other stored file), their
pages."""
