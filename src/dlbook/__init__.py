"""dlbook: the reference implementations behind the dlbook textbook."""

__version__ = "0.1.0"
