"""Public inquiries (政务信息查询) and the public knowledge base (查询信息库) their answers feed.

An inquiry's handling runs as an instance of bpmn/public_inquiry.bpmn, so every part's limit,
warning, alert and score comes from the engine's task index like an approval's. This table keeps
what the engine must not show to staff at large: who asked and how to reach them, and the code the
asker follows the inquiry with.

The knowledge base is searched by overlapping pairs of characters (bigrams, `KnowledgeGram`): Chinese
has no spaces, and a dictionary segmenter (jieba and the like) cuts a sentence into the words it
knows, so a search for a phrase that straddles two of its words, or a term missing from its
dictionary, finds nothing. Bigrams find any phrase of two characters or more, need no dictionary
to maintain, and the same table and query work on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

__all__ = ["INQUIRY_CHANNELS", "INQUIRY_COMPLEXITIES", "INQUIRY_PROCESS", "PUBLISHED_END", "DelayExplanation",
           "Inquiry", "KnowledgeEntry", "KnowledgeGram"]

INQUIRY_PROCESS = "public_inquiry"
"""The process every inquiry's handling runs as (bpmn/public_inquiry.bpmn)."""
INQUIRY_CHANNELS = ("web", "hotline", "window")
"""Asked online by the public, typed in by a 96128 hotline liaison, or at a service window."""
INQUIRY_COMPLEXITIES = ("general", "complex")
"""General questions have 5 working days per part, important or complex ones 10."""
PUBLISHED_END = "end_published"
"""The end event of public_inquiry.bpmn whose answer goes into the knowledge base."""


class Inquiry(Base):
    """A question from the public; its handling runs as an instance of bpmn/public_inquiry.bpmn."""

    __tablename__ = "inquiry"
    __table_args__ = (Index("ix_inquiry_asked", "asked_at"), Index("ix_inquiry_source_ip", "source_ip"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # the asker's query code (查询码)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # web | hotline | window
    category: Mapped[str] = mapped_column(String(64))
    complexity: Mapped[str] = mapped_column(String(16))  # general | complex
    department_code: Mapped[str | None] = mapped_column(String(32))  # named by the asker, if known
    question: Mapped[str] = mapped_column(Text)
    asker_name: Mapped[str | None] = mapped_column(String(255))
    asker_contact: Mapped[str | None] = mapped_column(String(255))  # never shown publicly
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked_by: Mapped[str | None] = mapped_column(String(64))  # the liaison or window clerk; None online
    source_ip: Mapped[str | None] = mapped_column(String(64))
    satisfaction: Mapped[int | None]  # 1-5, the asker's rating of the answer (满意度评价)
    satisfaction_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DelayExplanation(Base):
    """Why a department cannot answer its part in time: told to the bureau and published to the asker."""

    __tablename__ = "delay_explanation"
    __table_args__ = (Index("ix_delay_explanation_inquiry", "inquiry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"))
    task_id: Mapped[str] = mapped_column(String(36), unique=True)  # one explanation per part
    department_code: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    explained_at: Mapped[datetime] = mapped_column(UTCDateTime())
    explained_by: Mapped[str] = mapped_column(String(64))


class KnowledgeEntry(Base):
    """A published question and its answer, searchable by anyone; never the asker's name or contact."""

    __tablename__ = "knowledge_entry"
    __table_args__ = (Index("ix_knowledge_entry_published", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiry.id"), unique=True)
    category: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    departments: Mapped[str] = mapped_column(String(255))  # codes of the answering departments, in order
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())


class KnowledgeGram(Base):
    """One bigram (or short word) of an entry's question and answer: the search index."""

    __tablename__ = "knowledge_gram"
    __table_args__ = (Index("ix_knowledge_gram_entry", "entry_id"),)

    gram: Mapped[str] = mapped_column(String(32), primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("knowledge_entry.id"), primary_key=True)
