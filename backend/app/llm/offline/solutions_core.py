"""Reference programs for the sorting, graph, dynamic programming and binary search templates.

Each is a complete Python 3 program (stdin -> stdout) that prints what its template's
``solve`` returns and stays fast at the template's hard limits. ``main`` runs only when the
program is the main module, so a test can load it once and call ``main`` per input.
"""

from __future__ import annotations

SORTING_PROGRAM = r"""import sys


def main():
    data = sys.stdin.read().split()
    n = int(data[0])
    people = [(data[1 + 2 * i], int(data[2 + 2 * i])) for i in range(n)]
    # Higher score first; equal scores in dictionary order of the name.
    people.sort(key=lambda person: (-person[1], person[0]))
    print("\n".join(name for name, _ in people))


if __name__ == "__main__":
    main()
"""

GRAPH_PROGRAM = r"""import sys
from collections import deque


def main():
    data = list(map(int, sys.stdin.read().split()))
    n, m = data[0], data[1]
    adjacent = [[] for _ in range(n + 1)]
    for i in range(m):
        u, v = data[2 + 2 * i], data[3 + 2 * i]
        adjacent[u].append(v)
        adjacent[v].append(u)

    # Every edge has the same length, so BFS order is shortest-distance order.
    distance = [-1] * (n + 1)
    distance[1] = 0
    queue = deque([1])
    while queue:
        vertex = queue.popleft()
        for nxt in adjacent[vertex]:
            if distance[nxt] == -1:
                distance[nxt] = distance[vertex] + 1
                queue.append(nxt)
    print(distance[n])


if __name__ == "__main__":
    main()
"""

DYNAMIC_PROGRAMMING_PROGRAM = r"""import sys


def main():
    data = list(map(int, sys.stdin.read().split()))
    n, capacity = data[0], data[1]
    # best[w] = the largest total value whose total weight is at most w. Past the sum of
    # the weights seen so far the row is flat, so it grows only as far as that sum.
    best = [0]
    for i in range(n):
        weight, value = data[2 + 2 * i], data[3 + 2 * i]
        if weight > capacity:
            continue
        room = min(capacity, len(best) - 1 + weight)
        best += [best[-1]] * (room + 1 - len(best))
        # Both sides read the row before this item, so each item is used at most once.
        with_item = [total + value for total in best[: room - weight + 1]]
        best[weight:] = [b if b > a else a for a, b in zip(best[weight:], with_item)]
    print(best[-1])


if __name__ == "__main__":
    main()
"""

BINARY_SEARCH_PROGRAM = r"""import sys
from bisect import bisect_left, bisect_right


def main():
    data = sys.stdin.read().split()
    n = int(data[0])
    values = list(map(int, data[1 : 1 + n]))
    q = int(data[1 + n])
    queries = map(int, data[2 + n : 2 + n + q])
    # The copies of x sit between its first position and the first position past it.
    counts = [bisect_right(values, x) - bisect_left(values, x) for x in queries]
    print("\n".join(map(str, counts)))


if __name__ == "__main__":
    main()
"""

CORE_PROGRAMS = {
    "sorting": SORTING_PROGRAM,
    "graph": GRAPH_PROGRAM,
    "dynamic_programming": DYNAMIC_PROGRAMMING_PROGRAM,
    "binary_search": BINARY_SEARCH_PROGRAM,
}
