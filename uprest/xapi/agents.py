"""Agent identity: the key an Agent or Group is known by, and the Person object of /agents."""

from __future__ import annotations

from uprest.xapi import jsonio

IFI_ORDER = ("mbox", "mbox_sha1sum", "openid", "account")


def agent_key(agent: dict) -> str | None:
    """A stable string for the agent's inverse functional identifier, or None (anonymous Group)."""
    if "mbox" in agent:
        return "mbox|" + agent["mbox"]
    if "mbox_sha1sum" in agent:
        return "sha1|" + agent["mbox_sha1sum"].lower()
    if "openid" in agent:
        return "openid|" + agent["openid"]
    if "account" in agent:
        account = agent["account"]
        return f"account|{account['homePage']}|{account['name']}"
    return None


def agent_keys(agent: dict) -> list[str]:
    """The agent's own key and, for a Group, its members' keys."""
    keys = [k for k in [agent_key(agent)] if k]
    for member in agent.get("member", []) if agent.get("objectType") == "Group" else []:
        key = agent_key(member)
        if key:
            keys.append(key)
    return keys


def ifi_only(agent: dict) -> dict:
    """The agent reduced to objectType and identifier (``format=ids``); Groups keep members."""
    reduced = {"objectType": agent.get("objectType", "Agent")}
    for field in IFI_ORDER:
        if field in agent:
            reduced[field] = agent[field]
            break
    if agent.get("objectType") == "Group" and "member" in agent and len(reduced) == 1:  # anonymous
        reduced["member"] = [ifi_only(m) for m in agent["member"]]
    return reduced


def person(agent: dict, known: list[dict]) -> dict:
    """A Person object combining what is known of every agent with the same identifier."""
    result = {"objectType": "Person"}
    for item in [agent, *known]:
        for field in ("name", *IFI_ORDER):
            if field in item:
                values = result.setdefault(field, [])
                if item[field] not in values:
                    values.append(item[field])
    return result


def parse_agent_param(raw: str) -> dict:
    """The ``agent`` query parameter as a dict; raises ValueError when it is not JSON."""
    value = jsonio.parse(raw)
    if not isinstance(value, dict):
        raise ValueError("agent must be a JSON object")
    return value
