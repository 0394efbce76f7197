"""Failures the ETL reports to the user, one class per kind."""


class Lead2CashError(Exception):
    """Base class: a mistake the user can fix; the CLI prints it without a traceback."""


class ConfigError(Lead2CashError):
    """The mapping file or a setting is invalid."""


class SourceError(Lead2CashError):
    """A source file cannot be read as configured."""


class AmbiguousDateError(SourceError):
    """A date column contains day/month numbers that can be read two ways."""


class RefreshError(Lead2CashError):
    """A refresh step failed; the previous warehouse is left as it was."""

    def __init__(self, step: str, cause: Exception):
        self.step = step
        super().__init__(f"refresh failed in step `{step}`: {cause}")


class WarehouseMissingError(Lead2CashError):
    """The warehouse file does not exist yet."""
