"""`flask users ...` commands. Passwords are read at a prompt or from stdin,
never from the command line (where `ps` and shell history would keep them)."""
from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..cli_support import domain_command
from ..errors import ValidationFailed
from ..extensions import db
from ..orgs.services import find_division, require_organization
from .models import Role, User
from .services import change_password, create_user, normalize_email


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users", help="Manage user accounts.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.option("--org", "org_key", required=True, help="Organization name, slug or id.")
@click.option("--email", required=True, help="E-mail address; the user signs in with it.")
@click.option("--name", "display_name", required=True, help="Name shown in the application.")
@click.option("--role", required=True, help="One of: " + ", ".join(r.value for r in Role) + ".")
@click.option("--division", "divisions", multiple=True, help="Division name or short name (repeatable).")
@click.option("--head", is_flag=True, help="Make the user head of the given division(s).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
@domain_command
def create_user_command(org_key, email, display_name, role, divisions, head, password_stdin) -> None:
    """Create a user account."""
    org = require_organization(org_key)
    found = []
    for key in divisions:
        division = find_division(org.id, key)
        if division is None:
            raise ValidationFailed(f"No division {key!r} in {org.name}.")
        found.append(division)
    if head and not found:
        raise ValidationFailed("--head needs at least one --division.")
    # Check everything that can be checked before asking for the password.
    normalize_email(email)
    from .services import parse_role

    parse_role(role)
    password = read_password(password_stdin)
    user = create_user(
        org,
        email=email,
        display_name=display_name,
        role=role,
        password=password,
        divisions=[] if head else found,
        head_of=found if head else [],
    )
    click.echo(f"Created user {user.id}: {user.email} ({user.role.value}) in {org.name}")


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
@domain_command
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password for a user (signs them out everywhere)."""
    user = db.session.scalars(sa.select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise ValidationFailed(f"No user with e-mail {email!r}.")
    change_password(user, read_password(password_stdin))
    click.echo(f"Password changed for {user.email}")


@users_cli.command("reset-two-factor")
@click.option("--email", required=True)
@with_appcontext
@domain_command
def reset_two_factor_command(email: str) -> None:
    """Remove a user's two-step sign-in (a lost phone and lost recovery codes); audited, and the user is told."""
    from .totp import reset_for

    user = db.session.scalars(sa.select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise ValidationFailed(f"No user with e-mail {email!r}.")
    if reset_for(None, user):
        click.echo(f"Two-step sign-in removed for {user.email}; they sign in with their password alone.")
    else:
        click.echo(f"{user.email} had no two-step sign-in.")
