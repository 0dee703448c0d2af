"""verl adapter: a ``BaseTool`` per env tool, one env session per trajectory, and a tool config.

verl's ToolAgentLoop calls ``create`` -> ``execute`` -> ``release`` around every single tool call,
so the episode cannot live in the tool instance. ``ThinkgymTool`` keys the env session by the
trajectory: ``agent_data.request_id`` (passed to ``execute`` by current verl), else
``create_kwargs["trajectory_id"]``, else the instance id. All tools of a trajectory share that
session (module-level table), which is opened on the first call with ``create_kwargs``
``{env, seed, options}`` (as ``thinkgym export --format verl`` writes them) and closed when the
episode ends or ``release_trajectory`` is called; the server's idle timeout reaps the rest.

Generate the tool config with ``python3 thinkgym_verl.py --url http://127.0.0.1:8000 --env maze-v0``.
Standard library only; verl's ``BaseTool`` and ``ToolResponse`` are used when verl is installed,
small local stand-ins otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import urllib.request
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Tuple
from uuid import uuid4

from thinkgym_client import HttpClient, ServerError

try:  # pragma: no cover - exercised only where verl is installed
    from verl.tools.base_tool import BaseTool  # type: ignore
    from verl.tools.schemas import ToolResponse  # type: ignore

    VERL_AVAILABLE = True
except ImportError:
    VERL_AVAILABLE = False

    class ToolResponse:  # type: ignore[no-redef]
        """Stand-in for verl's ToolResponse: text and images."""

        def __init__(self, text: Optional[str] = None, image: Optional[List[Any]] = None, video: Optional[List[Any]] = None) -> None:
            self.text = text
            self.image = image
            self.video = video

    class BaseTool:  # type: ignore[no-redef]
        """Stand-in for verl's BaseTool: keeps the config and the OpenAI tool schema."""

        def __init__(self, config: dict, tool_schema: Any) -> None:
            self.config = config
            self.tool_schema = tool_schema
            function = tool_schema["function"] if isinstance(tool_schema, dict) else tool_schema.function
            self.name = function["name"] if isinstance(function, dict) else function.name


__all__ = ["ThinkgymTool", "ToolResponse", "BaseTool", "tool_config", "tool_config_yaml", "release_trajectory", "VERL_AVAILABLE"]

MAX_TRAJECTORIES = 4096
_lock = threading.Lock()
_sessions: "OrderedDict[Tuple[str, str], HttpClient]" = OrderedDict()


def _session(base_url: str, key: str) -> Tuple[HttpClient, bool]:
    with _lock:
        client = _sessions.get((base_url, key))
        if client is not None:
            _sessions.move_to_end((base_url, key))
            return client, False
        client = HttpClient(base_url)
        _sessions[(base_url, key)] = client
        while len(_sessions) > MAX_TRAJECTORIES:
            _, oldest = _sessions.popitem(last=False)
            threading.Thread(target=oldest.close, daemon=True).start()
        return client, True


def release_trajectory(base_url: str, key: str) -> None:
    """Closes the env session of a trajectory now (otherwise: at episode end, or the server's idle timeout)."""
    with _lock:
        client = _sessions.pop((base_url.rstrip("/"), key), None)
    if client is not None:
        client.close()


def open_trajectories() -> int:
    """Env sessions this process holds."""
    with _lock:
        return len(_sessions)


class ThinkgymTool(BaseTool):
    """One env tool. ``config``: ``base_url`` (server), optional ``env`` and ``options`` defaults."""

    def __init__(self, config: dict, tool_schema: Any) -> None:
        super().__init__(config, tool_schema)
        self.base_url = str(config.get("base_url", "http://127.0.0.1:8000")).rstrip("/")
        self._instances: Dict[str, Dict[str, Any]] = {}

    async def create(self, instance_id: Optional[str] = None, **kwargs: Any) -> Tuple[str, Any]:
        """Remembers the trajectory's ``create_kwargs`` ({env, seed, options, trajectory_id?})."""
        instance_id = instance_id or uuid4().hex
        self._instances[instance_id] = dict(kwargs.get("create_kwargs") or {})
        return instance_id, ToolResponse()

    def trajectory_key(self, instance_id: str, kwargs: Dict[str, Any]) -> str:
        """The key of the trajectory's env session."""
        agent_data = kwargs.get("agent_data")
        request_id = getattr(agent_data, "request_id", None) or kwargs.get("request_id")
        if request_id:
            return str(request_id)
        create = self._instances.get(instance_id, {})
        return str(create.get("trajectory_id") or instance_id)

    def _execute(self, instance_id: str, parameters: Dict[str, Any], key: str) -> Tuple[Any, float, Dict[str, Any]]:
        create = self._instances.get(instance_id, {})
        client, fresh = _session(self.base_url, key)
        if fresh:
            options = create.get("options", self.config.get("options"))
            if isinstance(options, str):
                options = json.loads(options) if options else None
            client.reset(seed=int(create.get("seed", 0)), env=create.get("env") or self.config.get("env"), options=options)
        try:
            result = client.step({"tool_call": {"name": self.name, "arguments": parameters}})
        except ServerError as error:
            release_trajectory(self.base_url, key)
            return ToolResponse(text=f"Error: {error.message}"), 0.0, {"error": error.code}
        parts = result.content_parts()
        text = "\n".join(part["text"] for part in parts if part["type"] == "text")
        images = [part["image"] for part in parts if part["type"] == "image"]
        info = result.observation.get("info", {})
        metrics = {"turn": result.observation.get("turn"), "done": result.done, "invalid": "invalid" in info, "success": info.get("success")}
        if result.done:
            release_trajectory(self.base_url, key)
        return ToolResponse(text=text, image=images or None), float(result.reward or 0.0), metrics

    async def execute(self, instance_id: str, parameters: Dict[str, Any], **kwargs: Any) -> Tuple[Any, float, Dict[str, Any]]:
        """Runs the tool in the trajectory's env session (opened and reset on its first call)."""
        key = self.trajectory_key(instance_id, kwargs)
        return await asyncio.to_thread(self._execute, instance_id, parameters, key)

    async def calc_reward(self, instance_id: str, **kwargs: Any) -> float:
        """The env rewards are returned per call by ``execute``; nothing accumulates here."""
        return 0.0

    async def release(self, instance_id: str, **kwargs: Any) -> None:
        """Forgets the call's instance; the trajectory's env session lives on for its next call."""
        self._instances.pop(instance_id, None)


def _property(schema: Dict[str, Any]) -> Dict[str, Any]:
    # verl keeps type, description and enum (as strings) of each parameter.
    kept: Dict[str, Any] = {"type": schema.get("type", "string")}
    if "description" in schema:
        kept["description"] = schema["description"]
    if "enum" in schema:
        kept["enum"] = [str(value) for value in schema["enum"]]
    return kept


def tool_config(base_url: str, env: str, options: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """verl's tool config (``multi_turn.tool_config_path``) for every tool of ``env``."""
    with urllib.request.urlopen(base_url.rstrip("/") + "/metadata?env=" + env, timeout=60) as response:
        metadata = json.loads(response.read())
    tools = []
    for tool in metadata["tools"]:
        function = tool["function"]
        parameters = function.get("parameters", {})
        config: Dict[str, Any] = {"type": "native", "base_url": base_url.rstrip("/"), "env": env}
        if options:
            config["options"] = json.dumps(options)
        tools.append(
            {
                "class_name": "thinkgym_verl.ThinkgymTool",
                "config": config,
                "tool_schema": {
                    "type": "function",
                    "function": {
                        "name": function["name"],
                        "description": function.get("description", ""),
                        "parameters": {
                            "type": "object",
                            "properties": {name: _property(schema) for name, schema in parameters.get("properties", {}).items()},
                            "required": list(parameters.get("required", [])),
                        },
                    },
                },
            }
        )
    return {"tools": tools}


def _yaml(value: Any, indent: int = 0) -> List[str]:
    pad = "  " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines += _yaml(item, indent + 1)
            else:
                lines.append(f"{pad}{key}: {json.dumps(item)}")
        return lines
    lines = []
    for item in value:
        if isinstance(item, (dict, list)) and item:
            nested = _yaml(item, indent + 1)
            lines.append(f"{pad}- {nested[0].strip()}")
            lines += nested[1:]
        else:
            lines.append(f"{pad}- {json.dumps(item)}")
    return lines


def tool_config_yaml(base_url: str, env: str, options: Optional[Dict[str, Any]] = None) -> str:
    """The tool config as YAML (scalars written as JSON, which YAML reads unchanged)."""
    return "\n".join(_yaml(tool_config(base_url, env, options))) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write verl's tool config for a thinkgym env.")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--env", required=True)
    parser.add_argument("--options", default=None, help="env options as JSON")
    arguments = parser.parse_args()
    print(tool_config_yaml(arguments.url, arguments.env, json.loads(arguments.options) if arguments.options else None), end="")
