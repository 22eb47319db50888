"""A shared cache that never takes a page down: when Redis is down, full or slow, a read finds
nothing and a write keeps nothing, the page is rendered without it, and a warning is logged (at
most once a minute, so an outage does not flood the log)."""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger("decisionaid.cache")
WARN_EVERY_SECONDS = 60


class FailSafeRedisCache(RedisCache):
    _last_warning = 0.0

    def _failed(self, what: str, error: Exception) -> None:
        now = time.monotonic()
        if now - FailSafeRedisCache._last_warning >= WARN_EVERY_SECONDS:
            FailSafeRedisCache._last_warning = now
            log.warning(
                "The shared cache failed on %s (%s); pages are served without it.",
                what,
                type(error).__name__,
            )

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._failed("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._failed("get_many", error)
            return {}

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except RedisError as error:
            self._failed("set", error)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._failed("add", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._failed("incr", error)
            return 0

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._failed("delete", error)
            return False
