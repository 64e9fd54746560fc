"""Shared pieces of the command-line interface."""
from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from .errors import DomainError
from .extensions import db


def domain_command(func: Callable) -> Callable:
    """Run a CLI command in one transaction: commit on success; on a domain
    error roll back, print the reason and exit with status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any):
        try:
            result = func(*args, **kwargs)
            db.session.commit()
            return result
        except DomainError as error:
            db.session.rollback()
            click.echo(f"Error: {error.message}", err=True)
            sys.exit(1)
        except BaseException:
            db.session.rollback()
            raise

    return wrapper

