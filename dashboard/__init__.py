"""PMF dashboard: a safeguarding children partnership's performance management framework."""

__version__ = "0.1.0"
