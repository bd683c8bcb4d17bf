"""Reference programs for the greedy, two pointer, queue and heap templates.

Same contract as ``solutions_core``: a complete stdin -> stdout program per template whose
output is what the template's ``solve`` returns.
"""

from __future__ import annotations

GREEDY_PROGRAM = r"""import sys


def main():
    data = list(map(int, sys.stdin.read().split()))
    n = data[0]
    # (end, start): sorting the pairs puts the earliest-ending meeting first.
    meetings = sorted((data[2 + 2 * i], data[1 + 2 * i]) for i in range(n))
    count, free_at = 0, -1
    for end, start in meetings:
        if start >= free_at:
            count += 1
            free_at = end
    print(count)


if __name__ == "__main__":
    main()
"""

TWO_POINTER_PROGRAM = r"""import sys


def main():
    data = list(map(int, sys.stdin.read().split()))
    n, target = data[0], data[1]
    values = data[2 : 2 + n]
    best = n + 1
    total = left = 0
    for right, value in enumerate(values):
        total += value
        # All values are positive: shrinking from the left only lowers the sum.
        while total >= target:
            best = min(best, right - left + 1)
            total -= values[left]
            left += 1
    print(best if best <= n else 0)


if __name__ == "__main__":
    main()
"""

QUEUE_PROGRAM = r"""import sys
from collections import deque


def main():
    n = int(sys.stdin.read())
    cards = deque(range(1, n + 1))
    while len(cards) > 1:
        cards.popleft()
        cards.append(cards.popleft())
    print(cards[0])


if __name__ == "__main__":
    main()
"""

HEAP_PROGRAM = r"""import heapq
import sys


def main():
    data = sys.stdin.read().split()
    n = int(data[0])
    heap = []
    removed = []
    for token in data[1 : 1 + n]:
        x = int(token)
        if x:
            heapq.heappush(heap, x)
        else:
            removed.append(heapq.heappop(heap) if heap else 0)
    print("\n".join(map(str, removed)))


if __name__ == "__main__":
    main()
"""

SEQUENCE_PROGRAMS = {
    "greedy": GREEDY_PROGRAM,
    "two_pointer": TWO_POINTER_PROGRAM,
    "queue": QUEUE_PROGRAM,
    "heap": HEAP_PROGRAM,
}
