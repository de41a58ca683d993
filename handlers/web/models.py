"""The JSON bodies the web API takes, validated; the OpenAPI description is made from them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.answer import Want


class AskIn(BaseModel):
    """POST /api/v1/ask: the question (or a location), as `ask --json` takes it."""

    model_config = ConfigDict(extra="ignore")
    text: str = Field(default="", max_length=2000)
    lang: str | None = Field(default=None, max_length=35)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    want: Want | None = None
    session: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _question_or_place(self) -> AskIn:
        if (self.lat is None) != (self.lon is None):
            raise ValueError('give both "lat" and "lon"')
        return self


class ChatIn(AskIn):
    """POST /api/v1/chat: the page's turn, which may also be a pressed button or a QR code's place."""

    action: str | None = Field(default=None, max_length=64)
    place: str | None = Field(default=None, max_length=100)


class FeedbackIn(BaseModel):
    """POST /api/v1/feedback: 👍 or 👎 for a topic or place."""

    model_config = ConfigDict(extra="ignore")
    topic: str | None = Field(default=None, max_length=100)
    helpful: bool
    lang: str | None = Field(default=None, max_length=35)
    question: str | None = Field(default=None, max_length=2000)
    session: str | None = Field(default=None, max_length=64)


class ComplaintIn(BaseModel):
    """POST /api/v1/complaint: which place, what happened, and when (optional)."""

    model_config = ConfigDict(extra="ignore")
    place: str = Field(min_length=1, max_length=500)
    what: str = Field(min_length=1, max_length=3000)
    date: str | None = Field(default=None, max_length=100)
    lang: str | None = Field(default=None, max_length=35)
    session: str | None = Field(default=None, max_length=64)


class SessionIn(BaseModel):
    """POST /api/v1/forget: whose data to delete."""

    model_config = ConfigDict(extra="ignore")
    session: str = Field(min_length=1, max_length=64)
    lang: str | None = Field(default=None, max_length=35)
