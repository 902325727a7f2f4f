-- Runs once when the postgres volume is created (docker-entrypoint-initdb.d).
-- Prefect keeps its state in a database of its own; huibao's read-only role is created here
-- with the password from the environment (see docker/postgres-init.sh).
CREATE DATABASE prefect;
