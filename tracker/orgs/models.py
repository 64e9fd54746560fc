"""Organization and Division models."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    from ..auth.models import Membership


class OrgKind(enum.StrEnum):
    SAO = "sao"  # องค์การบริหารส่วนตำบล (อบต.)
    SUBDISTRICT_MUNICIPALITY = "subdistrict_municipality"  # เทศบาลตำบล
    TOWN_MUNICIPALITY = "town_municipality"  # เทศบาลเมือง
    CITY_MUNICIPALITY = "city_municipality"  # เทศบาลนคร
    PAO = "pao"  # องค์การบริหารส่วนจังหวัด
    OTHER = "other"


def enum_column(enum_class: type[enum.Enum], length: int = 32) -> sa.Enum:
    """A portable enum stored as its string values (no native ENUM type, so
    adding a value later needs no database migration)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind), default=OrgKind.SAO)
    # ASCII identifier for public URLs (/p/<slug>/...).
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Bangkok")
    # Administrators and executives must sign in with a second factor (TOTP).
    require_two_factor: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    divisions: Mapped[list[Division]] = relationship(
        back_populates="organization", order_by="Division.position, Division.id"
    )

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.slug}>"


class Division(db.Model):
    __tablename__ = "divisions"
    __table_args__ = (sa.UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str | None] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)
    # Divisions are archived, not deleted: old steps and reports still name them.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="divisions")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="division", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Division {self.id} {self.name}>"
