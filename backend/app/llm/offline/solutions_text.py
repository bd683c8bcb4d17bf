"""Reference programs for the string, stack, hash and implementation templates.

Same contract as ``solutions_core``: a complete stdin -> stdout program per template whose
output is what the template's ``solve`` returns.
"""

from __future__ import annotations

STRING_PROGRAM = r"""import sys
from itertools import groupby


def main():
    s = sys.stdin.readline().strip()
    # groupby yields each run of equal characters once.
    print("".join(f"{char}{len(list(run))}" for char, run in groupby(s)))


if __name__ == "__main__":
    main()
"""

STACK_PROGRAM = r"""import sys

OPENING = {")": "(", "]": "["}


def is_balanced(line):
    stack = []
    for char in line:
        if char in "([":
            stack.append(char)
        elif not stack or stack.pop() != OPENING[char]:
            return False
    return not stack


def main():
    data = sys.stdin.read().split()
    t = int(data[0])
    print("\n".join("YES" if is_balanced(line) else "NO" for line in data[1 : 1 + t]))


if __name__ == "__main__":
    main()
"""

HASH_PROGRAM = r"""import sys
from collections import Counter


def main():
    data = sys.stdin.read().split()
    n = int(data[0])
    counts = Counter(data[1 : 1 + n])
    # Most frequent first; among equally frequent words the first in dictionary order.
    word, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
    print(word, count)


if __name__ == "__main__":
    main()
"""

IMPLEMENTATION_PROGRAM = r"""import sys

MOVES = {"U": (-1, 0), "D": (1, 0), "L": (0, -1), "R": (0, 1)}


def main():
    data = sys.stdin.read().split()
    size = int(data[0])
    row = col = 1
    for move in data[1:]:
        d_row, d_col = MOVES[move]
        # A move that would leave the grid is skipped.
        if 1 <= row + d_row <= size and 1 <= col + d_col <= size:
            row += d_row
            col += d_col
    print(row, col)


if __name__ == "__main__":
    main()
"""

TEXT_PROGRAMS = {
    "string": STRING_PROGRAM,
    "stack": STACK_PROGRAM,
    "hash": HASH_PROGRAM,
    "implementation": IMPLEMENTATION_PROGRAM,
}
