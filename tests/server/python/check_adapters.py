"""Checks the Python HTTP client and the TRL and verl adapters against a live server.

Usage: python3 check_adapters.py <base-url>. Exits non-zero on the first failed check; prints
"all adapter checks passed" last. TRL and verl are not installed: the verl part runs on the
adapter's local stand-ins for BaseTool and ToolResponse, driven the way verl's ToolAgentLoop
calls tools (create -> execute(agent_data=...) -> release for every call).
"""

import asyncio
import inspect
import json
import sys
import typing
import urllib.request

sys.path.insert(0, "clients/python")
from thinkgym_client import HttpClient, ServerError  # noqa: E402
from thinkgym_trl import make_trl_env_class  # noqa: E402
import thinkgym_verl  # noqa: E402

URL = sys.argv[1]


def health():
    with urllib.request.urlopen(URL + "/health") as response:
        return json.loads(response.read())


def check(condition, what):
    if not condition:
        raise SystemExit(f"check failed: {what}")
    print(f"ok: {what}")


# The HTTP client keeps one session across reset and step.
with HttpClient(URL, env="maze-v0") as client:
    first = client.reset(seed=5, options={"observation": "ascii"})
    check(first.reward is None and not first.done and "You are at" in first.text, "HTTP reset returns the task")
    moved = client.call("move", direction="left")
    check(moved.observation["turn"] == 1 and client.state()["step_count"] == 1, "HTTP step keeps the session's state")
    try:
        client.step({"move": "left"})
        check(False, "a malformed action is refused")
    except ServerError as error:
        check(error.code == "VALIDATION_ERROR" and "tool_call" in error.message, "a malformed action is a VALIDATION_ERROR naming the shapes")

# TRL: no-argument class, reset(**row), one typed, documented method per tool.
MazeEnv = make_trl_env_class("maze-v0", URL)
check(MazeEnv.__name__ == "MazeV0Env", "the TRL class is named after the env")
signature = inspect.signature(MazeEnv.move)
check(list(signature.parameters) == ["self", "direction", "steps"], "move() has the tool's arguments in order")
check(signature.parameters["steps"].default == 1, "optional arguments keep their schema default")
hints = typing.get_type_hints(MazeEnv.move)
check(hints["direction"] is str and hints["steps"] is int, "arguments carry type hints")
check("Args:" in MazeEnv.move.__doc__ and "direction:" in MazeEnv.move.__doc__ and "up, down, left, right" in MazeEnv.move.__doc__, "the docstring documents every argument")
check([name for name in dir(MazeEnv) if not name.startswith("_")] == ["draw_path", "get_reward", "move", "reset"], "public methods are the tools plus reset and get_reward")
env = MazeEnv()
text = env.reset(seed=3, options={"observation": "ascii"}, prompt="ignored dataset column")
check(isinstance(text, str) and "You are at" in text, "reset(**row) returns the first observation as text")
parts = env.reset(seed=3)
check(isinstance(parts, list) and [part["type"] for part in parts] == ["text", "image"], "an observation with an image comes back as content parts")
image = parts[1]["image"]
check(min(getattr(image, "size", (0, 0))) > 15 * 8 or (isinstance(image, bytes) and image[1:4] == b"PNG"), "image parts hold a PIL image (or PNG bytes without Pillow)")
reply = env.move(direction="sideways")
check("must be one of" in (reply if isinstance(reply, str) else reply[0]["text"]), "a bad argument comes back as the env's message, not an exception")
env.move("down", 2)
check(abs(env.get_reward() - (-0.01)) < 1e-9, "get_reward sums the env's step rewards")
sessions = health()["sessions"]
del env
check(health()["sessions"] == sessions - 1, "dropping an instance closes its server session")

# verl: one env session per trajectory, shared by all tools, across create/execute/release.
config = thinkgym_verl.tool_config(URL, "maze-v0", {"observation": "ascii"})
check([tool["tool_schema"]["function"]["name"] for tool in config["tools"]] == ["move", "draw_path"], "the tool config lists the env's tools")
move_schema = config["tools"][0]["tool_schema"]["function"]["parameters"]["properties"]
check(move_schema["direction"]["enum"] == ["up", "down", "left", "right"] and set(move_schema["steps"]) == {"type", "description"}, "tool schemas keep only type, description and string enums")
text_yaml = thinkgym_verl.tool_config_yaml(URL, "maze-v0", {"observation": "ascii"})
try:
    import yaml  # type: ignore

    check(yaml.safe_load(text_yaml) == config, "the YAML tool config reads back to the same structure")
except ImportError:
    print("skip: PyYAML is not installed; YAML read-back not checked")
tools = {tool["tool_schema"]["function"]["name"]: thinkgym_verl.ThinkgymTool(tool["config"], tool["tool_schema"]) for tool in config["tools"]}


class AgentData:
    def __init__(self, request_id):
        self.request_id = request_id


async def call(agent_data, name, arguments, create_kwargs):
    tool = tools[name]
    instance_id, _ = await tool.create(create_kwargs=create_kwargs)
    try:
        return await tool.execute(instance_id, arguments, agent_data=agent_data)
    finally:
        await tool.release(instance_id)


async def rollouts():
    create_kwargs = {"env": "maze-v0", "seed": 7, "options": json.dumps({"observation": "ascii"})}
    sessions_before = health()["sessions"]
    first, second = AgentData("rollout-a"), AgentData("rollout-b")
    a1 = await call(first, "draw_path", {"points": "1,1; 1,3"}, create_kwargs)
    a2 = await call(first, "move", {"direction": "down"}, create_kwargs)
    b1 = await call(second, "move", {"direction": "down"}, create_kwargs)
    check(a1[2]["turn"] == 1 and a2[2]["turn"] == 2 and b1[2]["turn"] == 1, "each trajectory keeps its own episode across tools and calls")
    check(a2[0].text == b1[0].text, "two rollouts of one task see the same env (same seed)")
    check(health()["sessions"] == sessions_before + 2 and thinkgym_verl.open_trajectories() == 2, "one server session per trajectory")
    check(isinstance(a2[1], float) and a2[0].image is None, "execute returns (ToolResponse, reward, metrics); ASCII mode has no images")
    thinkgym_verl.release_trajectory(URL, "rollout-a")
    thinkgym_verl.release_trajectory(URL, "rollout-b")
    check(health()["sessions"] == sessions_before and thinkgym_verl.open_trajectories() == 0, "releasing trajectories closes their sessions")


asyncio.run(rollouts())
print("all adapter checks passed")
