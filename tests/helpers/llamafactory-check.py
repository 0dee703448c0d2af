"""Checks a ShareGPT export the way LLaMA-Factory reads it, with the standard library only.

Usage: python3 llamafactory-check.py EXPORT [EXPORT...]   (a .json array or JSON lines)

Restates, in our own words, the rules of LLaMA-Factory's src/llamafactory/data/:
converter.py SharegptDatasetConverter (role alternation and count), formatter.py
FunctionFormatter.apply in its three releases (thought words, then tool-call words), ToolFormatter
with tool_utils.py DefaultToolUtils / QwenToolUtils, and mm_plugin.py's image count. Prints one
line per rejected row and exits 1 when any row is rejected; prints a summary and exits 0 otherwise.
"""

import json
import re
import sys

RULES = [
    ("bare thought words", ("<think>", "</think>"), None),
    ("newline thought words", ("<think>\n", "\n</think>\n\n"), None),
    ("newline thought words and tool-call words", ("<think>\n", "\n</think>\n\n"), ("<tool_call>", "</tool_call>")),
]


class Rejected(Exception):
    pass


def parse_calls(json_content, content):
    try:
        calls = json.loads(json_content)
    except json.JSONDecodeError:
        raise Rejected(f"Invalid JSON format in function message: {str([content])}.")
    if not isinstance(calls, list):
        calls = [calls]
    try:
        return [(call["name"], json.dumps(call["arguments"], ensure_ascii=False)) for call in calls]
    except (KeyError, TypeError) as error:
        raise Rejected(f"function message entry without name/arguments: {error!r}")


def apply_function(content, thought_words, tool_call_words):
    if tool_call_words:
        pattern = re.compile(rf"{re.escape(tool_call_words[0])}(.*?){re.escape(tool_call_words[1])}", re.DOTALL)
        match = re.search(pattern, content)
        if match:
            return content.replace(match.group(0), ""), parse_calls(match.group(1), content)
    pattern = re.compile(rf"{re.escape(thought_words[0])}(.*?){re.escape(thought_words[1])}", re.DOTALL)
    thought = re.search(pattern, content)
    rest = content.replace(thought.group(0), "") if thought else content
    return (thought.group(0) if thought else ""), parse_calls(rest, content)


def qwen_render(prefix, calls):
    texts = [json.dumps({"name": name, "arguments": json.loads(arguments)}, ensure_ascii=False) for name, arguments in calls]
    return prefix + "\n".join(f"<tool_call>\n{text}\n</tool_call>" for text in texts)


def check_tools(tools):
    if not tools:
        return
    try:
        listed = json.loads(tools)
    except json.JSONDecodeError:
        raise Rejected(f"Invalid JSON format in tool description: {str([tools])}.")
    for entry in listed:
        tool = entry.get("function", "") if entry.get("type") == "function" else entry
        for name, param in tool["parameters"]["properties"].items():
            if param.get("enum", None):
                try:
                    ", ".join(param["enum"])
                except TypeError:
                    raise Rejected(f"tool {tool['name']} argument {name}: enum values must be strings, got {param['enum']}")
        json.dumps({"type": "function", "function": tool}, ensure_ascii=False)


def check_row(row):
    messages = row["messages"]
    if messages and messages[0]["role"] == "system":
        messages = messages[1:]
    accept = (("user", "observation"), ("assistant", "function_call"))
    for index, message in enumerate(messages):
        if message["role"] not in accept[index % 2]:
            raise Rejected(f"Invalid role tag {message['role']!r} at position {index}")
    if len(messages) % 2 != 0:
        raise Rejected(f"Invalid message count {len(messages)}")
    rendered = 0
    for message in messages:
        if message["role"] != "function_call":
            continue
        for name, thought_words, tool_call_words in RULES:
            try:
                prefix, calls = apply_function(message["content"], thought_words, tool_call_words)
                qwen_render(prefix, calls)
            except Rejected as error:
                raise Rejected(f"{error} ({name})")
        rendered += 1
    check_tools(row.get("tools", ""))
    placeholders = sum(message["content"].count("<image>") for message in messages)
    images = row.get("images") or []
    if placeholders != len(images):
        raise Rejected(f"{placeholders} <image> placeholders for {len(images)} images")
    return rendered


def read_rows(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith(".json"):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main(paths):
    rejected = 0
    rows = 0
    calls = 0
    for path in paths:
        for index, row in enumerate(read_rows(path)):
            rows += 1
            try:
                calls += check_row(row)
            except Rejected as error:
                rejected += 1
                print(f"{path} row {index}: {error}")
    if rejected:
        return 1
    print(f"ok: {rows} rows, {calls} function messages parsed by every FunctionFormatter release")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
