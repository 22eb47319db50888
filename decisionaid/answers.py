"""A person's answers: kept in their own browser, encrypted, never in our database.

The answers travel in two places, both encrypted and authenticated with AES-GCM under the
ANSWERS_KEYS setting: a cookie (for as long as the browser is open, or 30 days if the person
asks), and a resume link that reopens them anywhere. Without the key, neither says anything but
roughly how much was answered. The first key encrypts; every key in the list still decrypts, so a
key can be rotated without losing anyone's answers.

Over 400 lines on purpose: the answers, their encryption, the cookie and the resume token are one
secret-handling unit, reviewed together; split, a reader could miss how a key is used.
"""

import base64
import datetime
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import struct
import time
import zlib
from dataclasses import dataclass, field, fields

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from decisionaid import stand
from decisionaid import sure as sure_test

LINK_ID_BYTES = 9
# The knowledge check's "I'm not sure": never a slug, so never the slug of an answer.
UNSURE = "?"
LINK_ID = re.compile(r"[A-Za-z0-9_-]{12}")


@dataclass
class Answers:
    # question slug -> chosen choice slugs (one for "choose one" questions)
    choices: dict[str, list[str]] = field(default_factory=dict)
    # value slugs, in the order the person chose them
    values: list[str] = field(default_factory=list)
    # option slugs the person is considering
    considering: list[str] = field(default_factory=list)
    # suggested-question slugs the person ticked, and their own questions (free text); answers
    # saved before suggested questions had slugs hold their numbers (see resolve_old_numbers)
    suggested_questions: list[str | int] = field(default_factory=list)
    own_questions: str = ""
    # SURE test: item -> "yes" / "no"
    sure: dict[str, str] = field(default_factory=dict)
    # knowledge check: question slug -> the chosen answer's slug, or UNSURE
    knowledge: dict[str, str] = field(default_factory=dict)
    # Where the person stands (decisionaid/stand.py): option slug -> leaning, for options they
    # consider; how far along they are; how they want to decide
    leaning: dict[str, str] = field(default_factory=dict)
    stage: str = ""
    role: str = ""
    # one concern of their own, in their words, beside what matters to them (never scored)
    concern: str = ""
    # step slugs the person has completed
    done: list[str] = field(default_factory=list)
    # A random id shared by these answers and every resume link made from them, so that clearing
    # the answers can end the links too (decisionaid.models.EndedLink). Says nothing about anyone.
    link: str = ""

    @classmethod
    def from_data(cls, data) -> "Answers":
        """Rebuild answers from untrusted data, keeping only values of the right shape."""
        if not isinstance(data, dict):
            return cls()
        answers = cls()
        choices = data.get("choices")
        if isinstance(choices, dict):
            answers.choices = {
                str(q): [str(c) for c in cs if isinstance(c, str)][:20]
                for q, cs in list(choices.items())[:100]
                if isinstance(q, str) and isinstance(cs, list)
            }
        for name in ("values", "considering", "done"):
            items = data.get(name)
            if isinstance(items, list):
                setattr(answers, name, [str(i) for i in items if isinstance(i, str)][:50])
        suggested = data.get("suggested_questions")
        if isinstance(suggested, list):
            answers.suggested_questions = [
                i[:80] if isinstance(i, str) else i
                for i in suggested
                if isinstance(i, str) or (isinstance(i, int) and not isinstance(i, bool))
            ][:50]
        own = data.get("own_questions")
        if isinstance(own, str):
            answers.own_questions = own[:1000]
        link = data.get("link")
        if isinstance(link, str) and LINK_ID.fullmatch(link):
            answers.link = link
        knowledge = data.get("knowledge")
        if isinstance(knowledge, dict):
            answers.knowledge = {
                q[:40]: a[:40]
                for q, a in list(knowledge.items())[:20]
                if isinstance(q, str) and isinstance(a, str)
            }
        sure = data.get("sure")
        if isinstance(sure, dict):
            answers.sure = {
                k: v for k, v in sure.items() if k in sure_test.ITEMS and v in ("yes", "no")
            }
        leaning = data.get("leaning")
        if isinstance(leaning, dict):
            answers.leaning = {
                slug: lean
                for slug, lean in leaning.items()
                if slug in answers.considering and isinstance(lean, str) and lean in stand.LEANINGS
            }
        for name, offered in (("stage", stand.STAGES), ("role", stand.ROLES)):
            if isinstance(said := data.get(name), str) and said in offered:
                setattr(answers, name, said)
        concern = data.get("concern")
        if isinstance(concern, str):
            answers.concern = concern[:300]
        return answers

    @classmethod
    def from_request(cls, request: HttpRequest) -> "Answers":
        """The answers in this browser's cookie (empty if there are none or they cannot be read)."""
        return _state(request).answers

    def save(self, request: HttpRequest) -> None:
        """Keep these answers in the browser's cookie; AnswersMiddleware writes it."""
        _resolve_old_answers(request, self)
        self.link = self.link or secrets.token_urlsafe(LINK_ID_BYTES)
        state = _state(request)
        state.answers = self
        state.changed = True

    @staticmethod
    def clear(request: HttpRequest) -> None:
        """Forget the answers: the cookie is deleted, and so is the choice to remember it."""
        state = _state(request)
        state.answers = Answers()
        state.remember = False
        state.cleared = True

    def to_data(self) -> dict:
        """The answers as plain data, copied: every field is a string, or a list or dict of
        strings, or a dict of lists of strings (the choices). Written out rather than
        `dataclasses.asdict`, which walks every string and is most of the cost of saving."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in data.items():
            if isinstance(value, dict):
                data[name] = {k: list(v) if isinstance(v, list) else v for k, v in value.items()}
            elif isinstance(value, list):
                data[name] = list(value)
        return data

    @property
    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self) if f.name != "link")

    def chosen_pairs(self) -> set[tuple[str, str]]:
        """Every (question slug, choice slug) the person picked."""
        return {(q, c) for q, cs in self.choices.items() for c in cs}

    @property
    def sure_score(self) -> int | None:
        return sure_test.score(self.sure)

    def resolve_old_numbers(self, content) -> None:
        """Answers saved before suggested questions had slugs name them by number: each number
        becomes the slug of the question that has it in the published content; a number no
        question has any longer is dropped."""
        if all(isinstance(q, str) for q in self.suggested_questions):
            return
        by_number = {q.pk: q.slug for q in content.suggested_questions}
        resolved = [by_number.get(q) if isinstance(q, int) else q for q in self.suggested_questions]
        self.suggested_questions = list(dict.fromkeys(q for q in resolved if q))

    def resolve_old_choices(self, content) -> None:
        """Answers saved under questions since replaced read as the answers that stand for them
        now (a choice's `replaces`, e.g. "pregnancy:yes"); the old answers are dropped, so once
        saved again they are in the new form."""
        asked = {question.slug for question in content.questions}
        if all(slug in asked for slug in self.choices):
            return
        replaced: set[str] = set()
        for question in content.questions:
            mapped = set(self.choices.get(question.slug, []))
            for choice in question.related.choices:
                pairs = [(q, c) for q, c in choice.replaced_pairs() if q not in asked]
                replaced.update(q for q, _ in pairs)
                if any(c in self.choices.get(q, []) for q, c in pairs):
                    mapped.add(choice.slug)
            if mapped:
                order = [choice.slug for choice in question.related.choices]
                self.choices[question.slug] = sorted(
                    mapped, key=lambda slug: order.index(slug) if slug in order else len(order)
                )
        for slug in replaced:
            self.choices.pop(slug, None)


# --- Compact form: short keys, so that the link (and its QR code) stays small -----------------

_SHORT = {
    "choices": "c",
    "values": "v",
    "considering": "k",
    "suggested_questions": "q",
    "own_questions": "o",
    "sure": "s",
    "done": "d",
    "link": "i",
    "knowledge": "kc",
    "leaning": "l",
    "stage": "g",
    "role": "r",
    "concern": "w",
}
_LONG = {short: name for name, short in _SHORT.items()}


# A code table, not the journey (decisionaid/journey.py): "done" travels as these positions when
# it holds only these steps. Saved links depend on it, so never reorder it; add at the end.
STEP_ORDER = (
    "about",
    "health",
    "practical",
    "values",
    "considering",
    "questions",
    "sure",
    "knowledge",
    "stand",
)


def _compact(answers: Answers) -> bytes:
    data = {_SHORT[name]: value for name, value in answers.to_data().items() if value}
    if "c" in data:  # a single choice travels as a string, not a list of one
        data["c"] = {q: cs[0] if len(cs) == 1 else cs for q, cs in answers.choices.items()}
    if "s" in data:  # four items as one string: "yn-y" (- for not answered)
        marks = {"yes": "y", "no": "n"}
        data["s"] = "".join(marks.get(answers.sure.get(item, ""), "-") for item in sure_test.ITEMS)
    if "l" in data:  # one letter per option considered, in its order: "tu-a" (- for none)
        data["l"] = "".join(answers.leaning.get(slug, "-")[0] for slug in answers.considering)
        if not data["l"].strip("-"):
            del data["l"]
    if "d" in data and all(d in STEP_ORDER for d in answers.done):  # as digits: "0123"
        data["d"] = "".join(str(STEP_ORDER.index(d)) for d in answers.done)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def _expand(raw: bytes) -> Answers:
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise TokenInvalid("not an object")
    long = {_LONG[k]: v for k, v in data.items() if k in _LONG}
    choices = long.get("choices")
    if isinstance(choices, dict):
        long["choices"] = {q: [cs] if isinstance(cs, str) else cs for q, cs in choices.items()}
    sure = long.get("sure")
    if isinstance(sure, str):
        long["sure"] = {
            item: {"y": "yes", "n": "no"}[mark]
            for item, mark in zip(sure_test.ITEMS, sure, strict=False)
            if mark in "yn"
        }
    leaning = long.get("leaning")
    considering = long.get("considering")
    if isinstance(leaning, str) and isinstance(considering, list):
        by_letter = {code[0]: code for code in stand.LEANINGS}
        long["leaning"] = {
            slug: by_letter[letter]
            for slug, letter in zip(considering, leaning, strict=False)
            if letter in by_letter and isinstance(slug, str)
        }
    done = long.get("done")
    if isinstance(done, str):
        digits = "0123456789"[: len(STEP_ORDER)]
        long["done"] = [STEP_ORDER[int(i)] for i in done if i in digits]
    return Answers.from_data(long)


# --- Encryption ---------------------------------------------------------------------------------

VERSION = 1
HEADER = struct.Struct(">BI")  # version, issued at (whole seconds since 1970)
NONCE_BYTES = 12
# A stable token (a resume link) keeps the same time, and so the same text, for an hour.
STABLE_SECONDS = 3600
# Well above any real answers (a few hundred bytes), well below what could hurt to decode.
MAX_TOKEN_CHARS = 3500
MAX_PLAIN_BYTES = 16 * 1024
RESUME_MAX_AGE = 90 * 24 * 3600  # a resume link works for 90 days
REMEMBER_MAX_AGE = 30 * 24 * 3600  # answers kept on a device the person chose to trust
# A cookie the person did not ask us to keep lasts until the browser closes; as some browsers
# never close, the server also stops reading it a day after the answers last changed.
COOKIE_MAX_AGE = 24 * 3600
# A token made for one place cannot be used in the other.
PURPOSE_COOKIE = b"decisionaid.answers.cookie"
PURPOSE_RESUME = b"decisionaid.answers.resume"
_FLAG_COMPRESSED = 1
_FLAG_REMEMBER = 2


class TokenError(Exception):
    """The answers in a link or cookie cannot be read."""


class TokenInvalid(TokenError):
    """Damaged, cut short, changed, too long, or made with a key we do not hold."""


class TokenExpired(TokenError):
    """Genuine, but older than it may be."""


class TokenEnded(TokenError):
    """Genuine, but the person cleared these answers, which ended every link made from them."""


@functools.lru_cache(maxsize=16)
def _derive(secret: str, info: bytes) -> bytes:
    """A key for one use, from a secret: worked out once per process, not once per token."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret.encode())


def _aes_key(secret: str) -> AESGCM:
    return AESGCM(_derive(secret, b"decisionaid.answers.v1"))


_ciphers: dict[tuple[str, ...], list[AESGCM]] = {}


def _keys() -> list[AESGCM]:
    secrets = tuple(settings.ANSWERS_KEYS)
    if secrets not in _ciphers:
        _ciphers.clear()
        _ciphers[secrets] = [_aes_key(secret) for secret in secrets]
    return _ciphers[secrets]


def _synthetic_nonce(message: bytes) -> bytes:
    """A nonce that is a keyed hash of the whole message (as AES-GCM-SIV makes its own): the
    same message always gets the same one, and two different messages never share one."""
    key = _derive(settings.ANSWERS_KEYS[0], b"decisionaid.answers.nonce.v1")
    return hmac.new(key, message, hashlib.sha256).digest()[:NONCE_BYTES]


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not text or len(text) > MAX_TOKEN_CHARS:
        raise TokenInvalid("empty or too long")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise TokenInvalid("not base64") from error


def encrypt(
    answers: Answers,
    purpose: bytes,
    *,
    flags: int = 0,
    now: float | None = None,
    stable: bool = False,
) -> str:
    """The answers as a short opaque string: header, nonce, then AES-GCM ciphertext and tag.

    A `stable` token is the same for the same answers all hour (its time is the hour's start and
    its nonce a keyed hash of the message), so a link and its QR code are made once an hour.
    """
    plain = _compact(answers)
    packed = zlib.compress(plain, 9, wbits=-15)
    if len(packed) < len(plain):
        plain, flags = packed, flags | _FLAG_COMPRESSED
    issued = int(time.time() if now is None else now)
    if stable:
        issued -= issued % STABLE_SECONDS
    header = HEADER.pack(VERSION, issued)
    message = bytes([flags]) + plain
    nonce = _synthetic_nonce(purpose + header + message) if stable else os.urandom(NONCE_BYTES)
    sealed = _keys()[0].encrypt(nonce, message, purpose + header)
    return _b64encode(header + nonce + sealed)


def decrypt(token: str, purpose: bytes, max_age: int) -> tuple[Answers, int, float]:
    """The answers, flags and age in seconds of a token.

    Raises TokenInvalid or TokenExpired; never returns part of a token's answers.
    """
    raw = _b64decode(token.strip())
    if len(raw) < HEADER.size + NONCE_BYTES + 16 + 1:
        raise TokenInvalid("too short")
    header = raw[: HEADER.size]
    nonce = raw[HEADER.size : HEADER.size + NONCE_BYTES]
    sealed = raw[HEADER.size + NONCE_BYTES :]
    version, issued = HEADER.unpack(header)
    if version != VERSION:
        raise TokenInvalid("unknown version")
    for key in _keys():
        try:
            plain = key.decrypt(nonce, sealed, purpose + header)
            break
        except InvalidTag:
            continue
    else:
        raise TokenInvalid("not made with any key we hold, or changed")
    # Authenticated, so the time is genuine: check it only now.
    age = time.time() - issued
    if age > max_age:
        raise TokenExpired("too old")
    if age < -300:  # made in the future: a clock far off, or a key misused
        raise TokenInvalid("made in the future")
    flags, body = plain[0], plain[1:]
    if flags & _FLAG_COMPRESSED:
        inflater = zlib.decompressobj(wbits=-15)
        try:
            body = inflater.decompress(body, MAX_PLAIN_BYTES)
        except zlib.error as error:
            raise TokenInvalid("not compressed data") from error
        if inflater.unconsumed_tail:
            raise TokenInvalid("too long once decompressed")
    try:
        return _expand(body), flags, age
    except (ValueError, UnicodeDecodeError) as error:
        raise TokenInvalid("not answers") from error


def make_resume_token(answers: Answers) -> str:
    """The answers, compressed and encrypted, for a link that reopens the journey anywhere."""
    return encrypt(answers, PURPOSE_RESUME, stable=True)


def read_resume_token(token: str) -> Answers:
    """The answers in a resume link. Raises TokenInvalid, TokenExpired or TokenEnded."""
    from decisionaid.models import EndedLink

    answers = decrypt(token, PURPOSE_RESUME, RESUME_MAX_AGE)[0]
    if answers.link and EndedLink.objects.filter(link_id=answers.link).exists():
        raise TokenEnded("cleared")
    return answers


def end_links(answers: Answers) -> None:
    """End every resume link made from these answers (and forget ids whose links have expired)."""
    from decisionaid.models import EndedLink

    EndedLink.objects.older_than(datetime.timedelta(seconds=RESUME_MAX_AGE)).delete()
    if answers.link:
        EndedLink.objects.get_or_create(link_id=answers.link)


def token_from_link(text: str) -> str:
    """The token in whatever the person pasted: the whole link, or only the code after '#'."""
    text = "".join(text.split())  # a link copied from paper may have broken across lines
    for marker in ("#", "/resume/"):
        if marker in text:
            text = text.rsplit(marker, 1)[1]
    return text.strip("/")


# --- The cookie -----------------------------------------------------------------------------------


class _State:
    """What this request knows about the answers cookie, read once and only when asked."""

    def __init__(self, request: HttpRequest):
        self.answers = Answers()
        self.remember = False
        self.changed = False
        self.cleared = False
        self.unreadable = False
        # When the cookie read stops being accepted (None: no cookie was read).
        self.readable_until: float | None = None
        raw = request.COOKIES.get(settings.ANSWERS_COOKIE_NAME)
        if raw is None:
            return
        try:
            answers, flags, age = decrypt(raw, PURPOSE_COOKIE, REMEMBER_MAX_AGE)
            if not flags & _FLAG_REMEMBER and age > COOKIE_MAX_AGE:
                raise TokenExpired("a browser-session cookie left for more than a day")
        except TokenExpired:
            self.unreadable = True
            messages.info(
                request,
                "The answers saved in this browser had not been used for a long time, so they "
                "have been cleared. You can start again, or open a link you saved.",
                fail_silently=True,
            )
            return
        except TokenError:
            self.unreadable = True
            messages.info(
                request,
                "The answers saved in this browser could not be read, so they have been "
                "cleared. You can start again, or open a link you saved.",
                fail_silently=True,
            )
            return
        self.answers, self.remember = answers, bool(flags & _FLAG_REMEMBER)
        self.readable_until = (
            time.time() - age + (REMEMBER_MAX_AGE if self.remember else COOKIE_MAX_AGE)
        )


def _state(request: HttpRequest) -> _State:
    state = getattr(request, "_answers_state", None)
    if state is None:
        # Kept on the request for this request only; AnswersMiddleware reads it back.
        state = request._answers_state = _State(request)  # type: ignore[attr-defined]
        _resolve_old_answers(request, state.answers)
    return state


def _resolve_old_answers(request: HttpRequest, answers: Answers) -> None:
    """Answers written for an earlier shape of the content, read in today's."""
    content = getattr(request, "content", None)
    if content is not None:
        answers.resolve_old_numbers(content)
        answers.resolve_old_choices(content)


def answers_state(request: HttpRequest) -> "_State | None":
    """What this request read of the answers cookie, or None if nothing asked for it."""
    return getattr(request, "_answers_state", None)


def remembers(request: HttpRequest) -> bool:
    """Whether the person asked this browser to keep their answers for 30 days."""
    return _state(request).remember


def set_remember(request: HttpRequest, remember: bool) -> None:
    state = _state(request)
    state.remember = remember
    state.changed = True


class AnswersMiddleware:
    """Writes the answers cookie when a view saved answers, and deletes one that cannot be read.

    A cookie that is not remembered has no Max-Age, so the browser forgets it when it closes; the
    server also stops accepting it a day after the last answer was saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        state = answers_state(request)
        name = settings.ANSWERS_COOKIE_NAME
        if state is None and name not in request.COOKIES:
            return response
        # The page was built from (or sent with) the answers cookie: no shared cache may keep it
        # for another.
        patch_vary_headers(response, ["Cookie"])
        if state is None:  # nothing read it, or the page was one kept for this visitor
            return response
        if state.changed:
            response.set_cookie(
                name,
                encrypt(
                    state.answers, PURPOSE_COOKIE, flags=_FLAG_REMEMBER if state.remember else 0
                ),
                max_age=REMEMBER_MAX_AGE if state.remember else None,
                path="/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif state.cleared or state.unreadable:
            response.delete_cookie(name, path="/", samesite="Lax")
        return response
