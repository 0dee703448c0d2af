"""TRL adapter: an ``environment_factory`` class for ``GRPOTrainer``, built from a live server.

    from thinkgym_trl import make_trl_env_class
    MazeEnv = make_trl_env_class("maze-v0", "http://127.0.0.1:8000")
    trainer = GRPOTrainer(..., environment_factory=MazeEnv)

The class has a no-argument constructor, ``reset(**row)`` that starts an episode (``row["seed"]``,
optional ``row["options"]``) and returns the first observation (text, or content parts when it has
images), one public, type-hinted, docstringed method per env tool (built from ``/metadata``), and
``get_reward()``; no other public method, since TRL offers each one to the model as a tool (the
server session closes when the instance is collected, or at the server's idle timeout). Tool images come back as ``{"type": "image", "image": PIL.Image}`` parts (bytes
when Pillow is absent). Standard library only.
"""

from __future__ import annotations

import inspect
import json
import keyword
import urllib.request
from typing import Any, Dict, List, Optional, Union

from thinkgym_client import HttpClient, StepResult

__all__ = ["make_trl_env_class", "observation_value"]

_TYPES = {"string": str, "integer": int, "number": float, "boolean": bool}


def observation_value(result: StepResult) -> Union[str, List[Dict[str, Any]]]:
    """The text of an observation, or its content parts when it carries images."""
    return result.content_parts() if result.observation.get("images") else result.text


def _tool_method(name: str, spec: Dict[str, Any]):
    parameters = spec.get("parameters", {})
    properties: Dict[str, Dict[str, Any]] = parameters.get("properties", {})
    required = set(parameters.get("required", []))
    signature = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    annotations: Dict[str, Any] = {}
    lines = [spec.get("description", name).strip(), "", "Args:"]
    ordered = sorted(properties.items(), key=lambda item: item[0] not in required)
    for argument, schema in ordered:
        if not argument.isidentifier() or keyword.iskeyword(argument):
            raise ValueError(f"tool {name} has argument {argument!r}, which is not a Python identifier")
        kind = _TYPES.get(schema.get("type"), str)
        default = inspect.Parameter.empty if argument in required else schema.get("default", None)
        annotation = kind if argument in required or default is not None else Optional[kind]
        signature.append(inspect.Parameter(argument, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation))
        annotations[argument] = annotation
        text = schema.get("description", argument)
        if "enum" in schema:
            text += " One of: " + ", ".join(str(value) for value in schema["enum"]) + "."
        lines.append(f"    {argument}: {text}")
    lines += ["", "Returns:", "    The env's observation after the call: text, or text and images."]
    annotations["return"] = Union[str, List[Dict[str, Any]]]

    def method(self, *args: Any, **kwargs: Any) -> Union[str, List[Dict[str, Any]]]:
        bound = method.__signature__.bind(self, *args, **kwargs)  # type: ignore[attr-defined]
        bound.apply_defaults()
        arguments = {key: value for key, value in bound.arguments.items() if key != "self" and value is not None}
        return self._call(name, arguments)

    method.__name__ = name
    method.__qualname__ = name
    method.__doc__ = "\n".join(lines)
    method.__signature__ = inspect.Signature(signature, return_annotation=annotations["return"])  # type: ignore[attr-defined]
    method.__annotations__ = annotations
    return method


def make_trl_env_class(env: str, base_url: str = "http://127.0.0.1:8000", options: Optional[Dict[str, Any]] = None, timeout: float = 120.0) -> type:
    """Builds the environment class of ``env`` from the server's ``/metadata`` (its tools).

    Every instance holds its own server session (HTTP), so TRL's one-instance-per-rollout gives
    one env per rollout. ``options`` are env options used when a row has none.
    """
    with urllib.request.urlopen(base_url.rstrip("/") + "/metadata?env=" + env, timeout=timeout) as response:
        metadata = json.loads(response.read())
    tools = [tool["function"] for tool in metadata["tools"]]

    def __init__(self) -> None:
        self._client = HttpClient(base_url, env=env, timeout=timeout)
        self.reward = 0.0
        self.done = False

    def reset(self, **row: Any) -> Union[str, List[Dict[str, Any]]]:
        """Starts the episode of the dataset row: ``seed`` (default 0) and ``options``."""
        row_options = row.get("options", options)
        if isinstance(row_options, str):
            row_options = json.loads(row_options)
        result = self._client.reset(seed=int(row.get("seed", 0)), options=row_options or {})
        self.reward = 0.0
        self.done = False
        return observation_value(result)

    def _call(self, name: str, arguments: Dict[str, Any]) -> Union[str, List[Dict[str, Any]]]:
        if self.done:
            return "The episode has ended; no more tool calls are needed."
        result = self._client.step({"tool_call": {"name": name, "arguments": arguments}})
        self.reward += result.reward or 0.0
        self.done = result.done
        return observation_value(result)

    def get_reward(self) -> float:
        """The sum of the env's rewards over the episode so far."""
        return self.reward

    def _close(self) -> None:
        # Private: TRL offers every public method to the model as a tool.
        self._client.close()

    def __del__(self) -> None:
        try:
            self._client.close()
        except Exception:  # the server may be gone at interpreter exit
            pass

    namespace: Dict[str, Any] = {
        "__init__": __init__,
        "reset": reset,
        "_call": _call,
        "get_reward": get_reward,
        "_close": _close,
        "__del__": __del__,
        "__doc__": f"{metadata['name']}: {metadata.get('description', '')}",
    }
    for tool in tools:
        if tool["name"] in namespace:
            raise ValueError(f"tool name {tool['name']!r} clashes with a method of the adapter")
        namespace[tool["name"]] = _tool_method(tool["name"], tool)
    class_name = "".join(part.capitalize() for part in env.replace("-", "_").split("_")) + "Env"
    return type(class_name, (object,), namespace)
