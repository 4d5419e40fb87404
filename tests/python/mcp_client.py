"""Drives Patchdesk's MCP tools with the official MCP Python SDK, as a model client would.

    mcp_client.py stdio PATCHDESK_BIN REPO POD
    mcp_client.py http URL TOKEN

Lists the tools, calls submit_patch (a new file for task F2.1) and next_task, and prints one
JSON object: {"tools": [...], "submitted": {...}, "next": ..., "bad_token": ...}. Exit 1 on any failure."""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

PATCH = (
    "diff --git a/docs/from_mcp.md b/docs/from_mcp.md\nnew file mode 100644\n--- /dev/null\n"
    "+++ b/docs/from_mcp.md\n@@ -0,0 +1 @@\n+written through MCP\n"
)


def text_of(result):
    return "".join(getattr(c, "text", "") for c in result.content)


async def drive(read, write):
    async with ClientSession(read, write) as session:
        await session.initialize()
        tools = await session.list_tools()
        named = {t.name: t for t in tools.tools}
        submitted = await session.call_tool(
            "submit_patch",
            {"task_id": "F2.1", "summary": "Note from MCP", "patch": PATCH, "reasoning_trace": "via MCP"},
        )
        if submitted.is_error:
            raise SystemExit(f"submit_patch failed: {text_of(submitted)}")
        nxt = await session.call_tool("next_task", {})
        if nxt.is_error:
            raise SystemExit(f"next_task failed: {text_of(nxt)}")
        refused = await session.call_tool("get_patch", {"name": "../../etc/passwd"})
        unknown = await session.call_tool(
            "submit_patch", {"task_id": "Z9.9", "summary": "Not on the board", "patch": PATCH}
        )
        return {
            "tools": sorted(named),
            "descriptions": {n: t.description for n, t in named.items()},
            "submitted": json.loads(text_of(submitted)),
            "next": json.loads(text_of(nxt)),
            "refused": {"is_error": bool(refused.is_error), "text": text_of(refused)},
            "unknown_task": {"is_error": bool(unknown.is_error), "text": text_of(unknown)},
        }


async def main():
    mode = sys.argv[1]
    if mode == "stdio":
        params = StdioServerParameters(command=sys.argv[2], args=["mcp", "--repo", sys.argv[3], "--pod", sys.argv[4]])
        async with stdio_client(params) as streams:
            out = await drive(streams[0], streams[1])
    else:
        url, token = sys.argv[2], sys.argv[3]
        async with create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}) as http:
            async with streamable_http_client(url, http_client=http) as streams:
                out = await drive(streams[0], streams[1])
    print(json.dumps(out))


asyncio.run(main())
