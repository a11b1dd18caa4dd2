"""kbgen: turn recorded mentoring into a searchable knowledge base."""

__version__ = "0.1.0"
