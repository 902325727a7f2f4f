#!/bin/sh
# Create the read-only role used for publishing and ad-hoc SQL.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE huibao_reader LOGIN PASSWORD '${HUIBAO_READER_PASSWORD}';
SQL
