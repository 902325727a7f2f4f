"""How a path is keyed: by its md5 (see models.SourcePath.path_key), made by Postgres."""

# the keys of a `text[]` parameter of paths, for `path_key = any(…)`
PATH_KEYS = "array(select md5(p) from unnest(%s::text[]) p)"
