"""policyclip: turn a YAML policy brief into a captioned vertical short video."""

__version__ = "0.1.0"
