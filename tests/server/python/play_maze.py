"""Plays maze-v0 to the goal over WebSocket with the shipped client (BFS on the ASCII view).

Usage: python3 play_maze.py <base-url> <seed>; prints one JSON line with the outcome.
"""

import json
import re
import sys
from collections import deque

sys.path.insert(0, sys.argv[3] if len(sys.argv) > 3 else "clients/python")
from thinkgym_client import ThinkgymClient  # noqa: E402

MOVES = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}


def grid_of(text):
    rows = [line for line in text.splitlines() if re.match(r"^\s*\d+ [#.@G*X]+$", line)]
    return [line.split(" ")[-1] for line in rows]


def route(grid):
    cells = {(r, c): ch for r, row in enumerate(grid) for c, ch in enumerate(row)}
    start = next(cell for cell, ch in cells.items() if ch == "@")
    parents = {start: None}
    queue = deque([start])
    while queue:
        cell = queue.popleft()
        if cells[cell] == "G":
            path = []
            while parents[cell] is not None:
                cell, direction = parents[cell]
                path.append(direction)
            return path[::-1]
        for direction, (dr, dc) in MOVES.items():
            nxt = (cell[0] + dr, cell[1] + dc)
            if cells.get(nxt, "#") != "#" and nxt not in parents:
                parents[nxt] = (cell, direction)
                queue.append(nxt)
    raise RuntimeError("no route")


with ThinkgymClient(sys.argv[1], env="maze-v0") as env:
    result = env.reset(seed=int(sys.argv[2]), options={"observation": "ascii"})
    runs = []  # straight runs of the route, as (direction, squares)
    for direction in route(grid_of(result.text)):
        if runs and runs[-1][0] == direction and runs[-1][1] < 8:
            runs[-1] = (direction, runs[-1][1] + 1)
        else:
            runs.append((direction, 1))
    for direction, squares in runs:
        result = env.step({"tool_call": {"name": "move", "arguments": {"direction": direction, "steps": squares}}})
        if result.done:
            break
    state = env.state()
print(json.dumps({"done": result.done, "success": result.observation["info"].get("success"), "reward": result.reward, "steps": state["step_count"]}))
