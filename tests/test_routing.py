"""Channel routing (issue 18): a channel with `tags` takes only the events of feeds that carry
one of them, with `watches` only the events of those figures or terms; both absent, every
event. Checked by check-config, applied where digests are built; end to end with `once`
against real feeds, a real SMTP server and a real webhook receiver."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import FeedServer
from hookserver import hook_server
from mailserver import smtp_server

from monitor.config import ChannelConfig, ConfigError, load_config
from monitor.models import Event
from monitor.routing import route, takes

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2024, 11, 1, tzinfo=UTC)


def ch(**kw: object) -> ChannelConfig:
    return ChannelConfig.model_validate({"name": "desk", "kind": "console", **kw})


KURSK = Event("match", "https://x.example/1", "Troops in Kursk", "Wire", WHEN,
              watches=("kursk",), item_uid="1")
VLADIVOSTOK = Event("match", "https://x.example/2", "Vladivostok port", "Wire", WHEN,
                    watches=("vladivostok",), item_uid="2")
TROOPS = Event("revision", "https://x.example/3", "10,000 troops", "Wire", WHEN,
               figure="nk-troops-sent", previous=3000, value=10000, item_uid="3")
TAGS = {"yonhap": frozenset({"korea", "wires"}), "kyiv": frozenset({"kursk-desk"}),
        "lemonde": frozenset()}


def test_without_tags_or_watches_a_channel_takes_everything() -> None:
    rows = [(1, KURSK), (2, VLADIVOSTOK), (3, TROOPS)]
    assert route(ch(), rows, {}, None) == rows


def test_watches_take_the_events_of_those_figures_and_terms() -> None:
    rows = [(1, KURSK), (2, VLADIVOSTOK), (3, TROOPS)]
    assert [i for i, _e in route(ch(watches=["kursk"]), rows, {}, None)] == [1]
    assert [i for i, _e in route(ch(watches=["nk-troops-sent", "kursk"]), rows, {},
                                 None)] == [1, 3]


def test_a_routed_item_of_several_watches_is_listed_under_the_channels_own() -> None:
    both = Event("match", "https://x.example/4", "Kursk and Vladivostok", "Wire", WHEN,
                 watches=("vladivostok", "kursk"), item_uid="4")
    ((_i, ev),) = route(ch(watches=["kursk"]), [(4, both)], {}, None)
    assert ev.watches == ("kursk", "vladivostok")
    ((_i, ev),) = route(ch(watches=["vladivostok"]), [(4, both)], {}, None)
    assert ev.watches == ("vladivostok", "kursk")


def test_tags_take_the_events_of_feeds_with_one_of_them() -> None:
    feeds = {1: "kyiv", 2: "yonhap", 3: "lemonde"}
    rows = [(1, KURSK), (2, VLADIVOSTOK), (3, TROOPS)]
    assert [i for i, _e in route(ch(tags=["korea"]), rows, feeds, TAGS)] == [2]
    assert [i for i, _e in route(ch(tags=["kursk-desk", "wires"]), rows, feeds, TAGS)] == [1, 2]
    # an event of no feed (an archive summary) or of a feed no longer configured: not taken
    assert not takes(ch(tags=["korea"]), TROOPS, "", TAGS)
    assert not takes(ch(tags=["korea"]), TROOPS, "removed-feed", TAGS)


def test_tags_and_watches_together_must_both_pass() -> None:
    feeds = {1: "kyiv", 2: "yonhap", 3: "kyiv"}
    rows = [(1, KURSK), (2, VLADIVOSTOK), (3, TROOPS)]
    routed = route(ch(tags=["kursk-desk"], watches=["kursk"]), rows, feeds, TAGS)
    assert [i for i, _e in routed] == [1]


def test_a_tag_channel_without_the_feeds_tags_is_a_bug_not_silence() -> None:
    with pytest.raises(ValueError, match="feed tags"):
        route(ch(tags=["korea"]), [(1, KURSK)], {1: "yonhap"}, None)


def test_an_empty_list_is_refused() -> None:
    with pytest.raises(ValueError, match="leave watches out"):
        ch(watches=[])
    with pytest.raises(ValueError, match="leave tags out"):
        ch(tags=[])


def write_config(tmp: Path, feeds: dict[str, tuple[str, list[str]]], channels: list[str],
                 extra: str = "") -> Path:
    lines = ["[daemon]", 'store = "sqlite:///nm.db"', f'state_dir = "{tmp / "state"}"', "",
             extra]
    for name, (url, tags) in feeds.items():
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', "allow_private = true",
                  f"tags = {json.dumps(tags)}", ""]
    lines += channels
    (tmp / "monitor.toml").write_text("\n".join(lines) + "\n")
    (tmp / "watchlist.toml").write_text((ROOT / "config" / "watchlist.toml").read_text())
    return tmp


def test_check_config_names_unknown_watches_and_tags_with_the_other_errors(
        tmp_path: Path) -> None:
    cfg = write_config(tmp_path, {"kyiv": ("https://kyiv.example/rss", ["kursk-desk"])}, [
        "[[channels]]", 'name = "a"', 'kind = "console"', 'watches = ["kursk", "kursq"]',
        "", "[[channels]]", 'name = "b"', 'kind = "console"', 'tags = ["kursk-dsk"]',
        'schedule = "every day"'])
    with pytest.raises(ConfigError) as exc:
        load_config(cfg)
    lines = exc.value.lines
    path = cfg / "monitor.toml"
    assert (f"{path}: channels[0].watches[1]: no figure or term 'kursq' in the watchlist; "
            "did you mean 'kursk'?") in lines
    assert (f"{path}: channels[1].tags[0]: no feed has the tag 'kursk-dsk'; did you mean "
            "'kursk-desk'?") in lines
    assert any("channels[1].schedule" in line for line in lines)  # all in one run
    assert not any("channels[0].watches[0]" in line for line in lines)
    # a tag given by [feed_defaults] counts
    cfg2 = tmp_path / "two"
    cfg2.mkdir()
    write_config(cfg2, {"kyiv": ("https://kyiv.example/rss", [])}, [
        "[[channels]]", 'name = "a"', 'kind = "console"', 'tags = ["wires"]'])
    text = (cfg2 / "monitor.toml").read_text().replace("tags = []\n", "")
    (cfg2 / "monitor.toml").write_text(text.replace("[[feeds]]",
                                                    '[feed_defaults]\ntags = ["wires"]\n\n'
                                                    "[[feeds]]", 1))
    assert load_config(cfg2).monitor.channels[0].tags == ["wires"]


def test_check_config_command_reports_routing_errors(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, {"kyiv": ("https://kyiv.example/rss", ["kursk-desk"])}, [
        "[[channels]]", 'name = "kursk"', 'kind = "console"', 'watches = ["kursq"]'])
    res = subprocess.run([sys.executable, "-m", "monitor", "check-config", "--config", str(cfg)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert res.returncode != 0
    assert "channels[0].watches[0]: no figure or term 'kursq' in the watchlist" in \
        res.stdout + res.stderr


def test_the_kursk_desk_gets_kursk_only(server: FeedServer, tmp_path: Path) -> None:
    """Three channels on one run of `once`: an e-mail desk routed by watch (Kursk), a webhook
    routed by feed tag (the Korean wire), and a webhook with no routing that gets it all."""
    feeds = {"lemonde": (server.url("/f/lemonde.xml"), ["europe"]),
             "yonhap": (server.url("/f/yonhap.xml"), ["korea"]),
             "kyiv": (server.url("/f/kyiv.atom"), ["europe"])}
    with smtp_server() as smtp, hook_server() as korea, hook_server() as everything:
        cfg = write_config(tmp_path, feeds, [
            "[[channels]]", 'name = "kursk-desk"', 'kind = "email"', 'watches = ["kursk"]',
            'from = "alerts@example.org"', 'to = ["kursk@example.org"]', "max_related = 1000",
            f'smtp = {{ host = "127.0.0.1", port = {smtp.port}, security = "plain" }}', "",
            "[[channels]]", 'name = "korea"', 'kind = "webhook"', 'tags = ["korea"]',
            f'url = "{korea.url}"', "allow_private = true", "max_related = 1000", "",
            "[[channels]]", 'name = "all"', 'kind = "webhook"', f'url = "{everything.url}"',
            "allow_private = true", "max_related = 1000"])
        res = subprocess.run([sys.executable, "-m", "monitor", "once", "--config", str(cfg)],
                             capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        (mail,) = smtp.handler.messages
        (k,) = korea.received
        (a,) = everything.received
    # the Kursk desk: related coverage of Kursk, nothing else (no revised figure, no other term)
    text = mail.get_payload()[0].get_payload(decode=True).decode()
    assert "Revised figures" not in text
    related = [line for line in text.splitlines() if line.startswith("- [")]
    assert related and all(line.startswith("- [Kursk]") for line in related), related
    assert "Kursk" in mail["Subject"] or "related coverage" in mail["Subject"]
    # everything: several watches, figures and terms; it holds the Kursk lines too
    body_all = json.loads(a.body)
    watches_all = {r["watch"] for r in body_all["related"]}
    assert "kursk" in watches_all and len(watches_all) > 1 and body_all["revisions"]
    assert len(related) == sum(1 for r in body_all["related"] if r["watch"] == "kursk")
    # the Korean wire: only what Yonhap's feed reported
    body_k = json.loads(k.body)
    outlets = {r["source"]["outlet"] for r in body_k["revisions"]} | {
        o for r in body_k["related"] for o in r["outlets"]}
    assert outlets and all("Yonhap" in o for o in outlets), outlets
    outlets_all = {r["source"]["outlet"] for r in body_all["revisions"]} | {
        o for r in body_all["related"] for o in r["outlets"]}
    assert any("Yonhap" not in o for o in outlets_all)
