"""huibao's Datasette plugin (loaded through the `datasette` entry point)."""
