"""What a worker keeps of the answers it gave (chat replies, public pages): at most `size`
entries, the least recently used dropped first, safe to share between a worker's threads."""

import threading
from collections import OrderedDict


class RecentlyUsed:
    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def keep(self, key, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def kept_keys(self) -> list:
        with self._lock:
            return list(self._entries)
