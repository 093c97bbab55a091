"""A list of integers stored the fastest way each database can count it: a native
`integer[]` on PostgreSQL (unnest and `&&` are an order of magnitude faster than JSON there)
and JSON text on SQLite (read with json_each)."""

from __future__ import annotations

import json

from django.db import models


class IntegerListField(models.Field):
    description = "A list of integers"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        values = [int(item) for item in value]
        return values if connection.vendor == "postgresql" else json.dumps(values)

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value)
        return value
