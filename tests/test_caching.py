"""The one LRU of the read side (indexer.caching.SizedLRU)."""

from __future__ import annotations

import threading

from indexer.caching import SizedLRU


def test_least_recently_used_goes_first_by_size():
    cache: SizedLRU[bytes] = SizedLRU(10, sizeof=len)
    cache.put("a", b"aaaa")
    cache.put("b", b"bbbb")
    assert cache.get("a") == b"aaaa"  # "a" is now the most recent
    cache.put("c", b"cccc")  # 12 > 10: "b" goes, not "a"
    assert cache.get("b") is None and cache.get("a") == b"aaaa" and cache.get("c") == b"cccc"
    assert cache.size == 8 and len(cache) == 2


def test_an_entry_over_its_share_is_answered_but_not_kept():
    cache: SizedLRU[bytes] = SizedLRU(80, sizeof=len, largest_share=1 / 8)
    cache.put("small", b"x" * 10)
    assert cache.put("huge", b"y" * 11) == b"y" * 11
    assert cache.get("huge") is None and cache.get("small") == b"x" * 10


def test_limit_zero_turns_the_cache_off():
    cache: SizedLRU[str] = SizedLRU(0)
    assert cache.get_or_compute("k", lambda: "v") == "v"
    assert cache.get("k") is None and len(cache) == 0


def test_threads_never_see_a_torn_cache():
    cache: SizedLRU[int] = SizedLRU(50)
    errors = []

    def hammer(offset: int) -> None:
        try:
            for n in range(5_000):
                key = (offset + n) % 120
                if cache.get_or_compute(key, lambda: key * 2) != key * 2:
                    errors.append(key)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(k * 17,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(cache) <= 50
