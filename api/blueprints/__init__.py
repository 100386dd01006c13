"""One blueprint per API resource, each with its marshmallow schemas beside it."""
