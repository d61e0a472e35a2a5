"""Content inputs: a plan per content type (image, video), captions, feedback and published addresses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import pydantic
from pydantic import AfterValidator, BeforeValidator, model_validator

from circlue.errors import ValidationError
from circlue.schemas.common import Input, _error_text, optional_text, required_line

# Platform -> the domains its posts live on (frozen copy in migration 0013; a test compares them).
PLATFORM_DOMAINS: dict[str, tuple[str, ...]] = {
    "douyin": ("douyin.com",),
    "xiaohongshu": ("xiaohongshu.com", "xhslink.com"),
    "weibo": ("weibo.com", "weibo.cn"),
    "bilibili": ("bilibili.com", "b23.tv"),
}

_HASHTAG = re.compile(r"#[^\s#]{1,40}")


def _hashtags(value: Any) -> Any:
    """Hashtags typed in one box (space, comma or 、 separated) become a list; a missing # is added."""
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,，、]+", value) if v]
    if isinstance(value, list):
        return [v if not isinstance(v, str) or v.startswith("#") else f"#{v}" for v in value]
    return value


def _hashtag(value: str) -> str:
    if not _HASHTAG.fullmatch(value):
        raise ValueError("해시태그는 #으로 시작하는 40자 이하의 한 단어입니다 / a hashtag is one word of up to 40 "
                         "characters after #")
    return value


def _lines(value: Any) -> Any:
    """A text area with one item per line becomes a list of its non-blank lines."""
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value


Line = required_line(300)
Hashtag = Annotated[str, AfterValidator(_hashtag)]


class ImagePlan(Input):
    """An image post: the concept, the shots to take, the caption draft (Chinese), hashtags and the posting day."""

    concept: required_line(500)
    shot_list: Annotated[list[Line], BeforeValidator(_lines), pydantic.Field(min_length=1, max_length=30)]
    caption_draft: Annotated[str, pydantic.Field(min_length=1, max_length=2000)]
    hashtags: Annotated[list[Hashtag], BeforeValidator(_hashtags), pydantic.Field(min_length=1, max_length=30)]
    posting_date: dt.date


class Scene(Input):
    """One scene of a video and how long it runs."""

    description: required_line(300)
    seconds: Annotated[int, pydantic.Field(ge=1, le=3600)]


def _scenes(value: Any) -> Any:
    """Scenes typed one per line as `description | seconds`."""
    if not isinstance(value, str):
        return value
    scenes = []
    for line in value.splitlines():
        if not line.strip():
            continue
        description, bar, seconds = line.rpartition("|")
        if not bar:
            raise ValueError(
                "장면은 한 줄에 하나씩 '설명 | 초' 형식입니다 / one scene per line as 'description | seconds'"
            )
        scenes.append({"description": description.strip(), "seconds": seconds.strip()})
    return scenes


class VideoPlan(Input):
    """A video: the opening hook, scenes with durations, script lines, music, call to action and total length."""

    hook: required_line(300)
    scenes: Annotated[list[Scene], BeforeValidator(_scenes), pydantic.Field(min_length=1, max_length=60)]
    script: Annotated[list[Line], BeforeValidator(_lines), pydantic.Field(min_length=1, max_length=200)]
    music: optional_text(200, one_line=True) = None
    call_to_action: required_line(300)
    total_seconds: Annotated[int, pydantic.Field(ge=1, le=3600)]

    @model_validator(mode="after")
    def _scenes_fill_the_video(self) -> VideoPlan:
        total = sum(scene.seconds for scene in self.scenes)
        if total != self.total_seconds:
            raise pydantic.ValidationError.from_exception_data(
                "VideoPlan",
                [
                    {
                        "type": "value_error",
                        "loc": ("total_seconds",),
                        "input": self.total_seconds,
                        "ctx": {
                            "error": f"장면 길이의 합({total}초)과 전체 길이가 같아야 합니다 / the scenes add up to "
                            f"{total} s, not the total length"
                        },
                    }
                ],
            )
        return self


PLAN_SCHEMAS: dict[str, type[Input]] = {"image": ImagePlan, "video": VideoPlan}

PLAN_LABELS: dict[str, str] = {
    "concept": "콘셉트 / concept",
    "shot_list": "촬영 목록 / shot list",
    "caption_draft": "캡션 초안 / caption draft",
    "hashtags": "해시태그 / hashtags",
    "posting_date": "게시일 / posting date",
    "hook": "도입부 / hook",
    "scenes": "장면 / scenes",
    "script": "대본 / script lines",
    "music": "음악 / music",
    "call_to_action": "행동 유도 / call to action",
    "total_seconds": "전체 길이(초) / total length (s)",
}


def parse_plan(content_type: str, values: dict[str, Any]) -> dict[str, Any]:
    """Validate a plan against its content type's schema; the JSON to store, or field-level messages.

    Errors inside a list name the item ("장면 / scenes 2: ..."), under the field the form shows.
    """
    schema = PLAN_SCHEMAS.get(content_type)
    if schema is None:
        raise ValidationError("콘텐츠 유형은 image 또는 video 입니다 / the content type is image or video",
                              fields={"content_type": "image / video"})
    try:
        plan = schema(**values)
    except pydantic.ValidationError as exc:
        fields: dict[str, str] = {}
        for error in exc.errors(include_url=False):
            loc = error["loc"]
            field = str(loc[0]) if loc else "__all__"
            where = f"{loc[1] + 1}: " if len(loc) > 1 and isinstance(loc[1], int) else ""
            fields.setdefault(field, where + _error_text(error))
        message = " · ".join(f"{PLAN_LABELS.get(f, f)}: {m}" for f, m in fields.items())
        raise ValidationError(message, fields=fields) from None
    return plan.model_dump(mode="json")


Feedback = Annotated[str, pydantic.Field(min_length=1, max_length=5000)]


class ReviewInput(Input):
    """A review round's verdict: approve, or ask for changes saying what to change."""

    decision: Literal["approved", "revision-requested"]
    feedback: optional_text(5000) = None

    @model_validator(mode="after")
    def _changes_need_feedback(self) -> ReviewInput:
        if self.decision == "revision-requested" and not self.feedback:
            raise pydantic.ValidationError.from_exception_data(
                "ReviewInput",
                [
                    {
                        "type": "value_error",
                        "loc": ("feedback",),
                        "input": self.feedback,
                        "ctx": {"error": "무엇을 고쳐야 하는지 적어 주세요 / say what should change"},
                    }
                ],
            )
        return self


class CaptionInput(Input):
    """A submission's caption as it will be posted."""

    caption: optional_text(5000) = None


def _platform_host(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        return None
    host = (parts.hostname or "").lower()
    return host if re.fullmatch(r"[a-z0-9.-]+", host) else None


def url_on_platform(platform: str | None, url: str) -> bool:
    """True when `url` is an http(s) address on one of the platform's domains (or their subdomains)."""
    host = _platform_host(url)
    if host is None or platform not in PLATFORM_DOMAINS:
        return False
    return any(host == d or host.endswith("." + d) for d in PLATFORM_DOMAINS[platform])


def _not_in_the_future(value: dt.datetime | None) -> dt.datetime | None:
    """A post went live at a known moment, not later than now (a few minutes of clock drift allowed)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("시간대가 없는 일시입니다 / the time has no time zone")
    if value > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5):
        raise ValueError("게시 일시는 미래일 수 없습니다 / the publication time cannot be in the future")
    return value


class PublishInput(Input):
    """Where and when an approved submission went live."""

    published_url: Annotated[str, pydantic.Field(min_length=1, max_length=255)]
    published_at: Annotated[dt.datetime | None, AfterValidator(_not_in_the_future)] = None
    platform: str

    @model_validator(mode="after")
    def _on_the_platform(self) -> PublishInput:
        if not url_on_platform(self.platform, self.published_url):
            domains = ", ".join(PLATFORM_DOMAINS.get(self.platform, ()))
            raise pydantic.ValidationError.from_exception_data(
                "PublishInput",
                [
                    {
                        "type": "value_error",
                        "loc": ("published_url",),
                        "input": self.published_url,
                        "ctx": {
                            "error": f"인플루언서 플랫폼의 게시물 주소여야 합니다 ({domains}) / the address must be a "
                            f"post on the influencer's platform ({domains})"
                        },
                    }
                ],
            )
        return self
