"""huibao (汇报): Chinese government work reports into a clean, searchable database.

`huibao.text` is the pure text core (read, clean, split, tag). Everything else here is
orchestration (`huibao.flows`), schema (`huibao.models`), storage (`huibao.db`) and
publication (`huibao.publish`, `huibao.datasette`).
"""

__version__ = "0.1.0"
