"""`feeds import / export / add`: OPML of several readers' styles, a hostile OPML, discovery
on saved site pages served by the real feed server, monitor.toml edited keeping its comments."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from feedserver import FeedServer

from monitor.cli import main
from monitor.config import ConfigError, load_config
from monitor.discover import alternate_links, common_paths
from monitor.feedsfile import NewFeed, append_feeds, slug, unique
from monitor.opml import OpmlError, parse_opml, render_opml

ROOT = Path(__file__).resolve().parent.parent
OPML = ROOT / "tests" / "data" / "opml"
SITES = ROOT / "tests" / "data" / "sites"


@pytest.fixture
def cfg_dir(tmp_path: Path) -> Path:
    """The shipped config, copied: the real file with all its comments."""
    for name in ("monitor.toml", "watchlist.toml"):
        shutil.copy(ROOT / "config" / name, tmp_path / name)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# ------------------------------------------------------------------ OPML reading


def test_miniflux_style_categories_become_tags() -> None:
    feeds = parse_opml((OPML / "miniflux.opml").read_bytes())
    assert [(f.title, f.tags) for f in feeds] == [
        ("Kyiv Independent", ("Ukraine",)),
        ("Ukrainska Pravda", ("Ukraine",)),
        ("BBC News - World", ("All",)),
    ]
    assert feeds[0].html_url == "https://kyivindependent.com/"


def test_freshrss_style_keeps_accents_and_unescapes_ampersand() -> None:
    feeds = parse_opml((OPML / "freshrss.opml").read_bytes())
    assert feeds[0].tags == ("Presse française",)
    assert feeds[2].title == "Yonhap & North Korea"
    assert feeds[2].tags == ("Corée",)


def test_newsboat_style_flat_with_category_attribute_and_duplicate() -> None:
    feeds = parse_opml((OPML / "newsboat.opml").read_bytes())
    assert [f.url for f in feeds] == ["https://www.theguardian.com/world/rss",
                                      "https://rss.dw.com/rdf/rss-en-world"]
    assert feeds[0].tags == ("news", "world")
    assert feeds[1].title == "https://rss.dw.com/rdf/rss-en-world"  # no title: the URL
    assert feeds[1].tags == ()


def test_inoreader_style_nested_folders_and_category_path() -> None:
    feeds = parse_opml((OPML / "inoreader.opml").read_bytes())
    assert feeds[0].tags == ("Wires", "Asia")
    assert feeds[1].tags == ("Wires", "Defence", "Europe")


@pytest.mark.parametrize("name", ["entities.opml", "xxe.opml"])
def test_entity_declarations_refused(name: str) -> None:
    with pytest.raises(OpmlError, match="refused"):
        parse_opml((OPML / name).read_bytes())


def test_entities_in_utf16_refused_too() -> None:
    data = (OPML / "entities.opml").read_text().replace('<?xml version="1.0"?>',
                                                         '<?xml version="1.0" encoding="UTF-16"?>')
    with pytest.raises(OpmlError, match="refused"):
        parse_opml(data.encode("utf-16"))


def test_huge_opml_refused_before_parsing() -> None:
    body = b"<opml version='2.0'><body>" + b"<outline text='x'/>" * 600_000 + b"</body></opml>"
    assert len(body) > 10_000_000
    with pytest.raises(OpmlError, match="over"):
        parse_opml(body)


def test_deep_nesting_refused_cleanly() -> None:
    body = (b"<opml version='2.0'><body>" + b"<outline text='x'>" * 5000
            + b"<outline xmlUrl='https://example.org/f'/>" + b"</outline>" * 5000
            + b"</body></opml>")
    with pytest.raises(OpmlError, match="depth"):
        parse_opml(body)


def test_blank_tag_refused_by_the_config(cfg_dir: Path) -> None:
    path = cfg_dir / "monitor.toml"
    out = append_feeds(path.read_text(encoding="utf-8"),
                       [NewFeed("https://example.org/a.xml", "A", ("ok", " "))])
    path.write_text(out.text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(cfg_dir)
    assert any("feeds[6].tags" in line and "blank" in line for line in err.value.lines)


@pytest.mark.parametrize("data, why", [
    (b"<rss version='2.0'><channel/></rss>", "root element is <rss>"),
    (b"<opml version='2.0'><head/></opml>", "no <body>"),
    (b"not xml at all", "not XML"),
])
def test_not_opml(data: bytes, why: str) -> None:
    with pytest.raises(OpmlError, match=why):
        parse_opml(data)


@pytest.mark.parametrize("name", ["miniflux.opml", "freshrss.opml", "newsboat.opml",
                                  "inoreader.opml"])
def test_render_then_parse_round_trip(name: str) -> None:
    feeds = parse_opml((OPML / name).read_bytes())
    again = parse_opml(render_opml(feeds).encode("utf-8"))
    assert again == feeds


# ------------------------------------------------------------------ names and TOML editing


def test_slug_and_unique() -> None:
    assert slug("Le Monde.fr - International") == "le-monde.fr-international"
    assert slug("Корея", "https://www.example.org/feed") == "example.org"
    assert slug("  ") == "feed"
    taken = {"bbc", "bbc-2"}
    assert unique("bbc", taken) == "bbc-3"
    assert "bbc-3" in taken


def test_append_keeps_comments_and_the_next_section_intact() -> None:
    text = (ROOT / "config" / "monitor.toml").read_text(encoding="utf-8")
    out = append_feeds(text, [NewFeed("https://example.org/a.xml", "Example A", ("x", "y")),
                              NewFeed("https://feeds.bbci.co.uk/news/world/rss.xml/", "BBC")])
    assert out.added == (("example-a", "https://example.org/a.xml"),)
    assert out.skipped == (("https://feeds.bbci.co.uk/news/world/rss.xml/", "bbc-world"),)
    # every line of the old file is still there, in the same order
    old_lines = text.splitlines()
    new_lines = out.text.splitlines()
    it = iter(new_lines)
    assert all(line in it for line in old_lines)
    assert len(new_lines) == len(old_lines) + 5  # a blank line, [[feeds]], name, url, tags
    data = tomllib.loads(out.text)
    assert data["feeds"][-1] == {"name": "example-a", "url": "https://example.org/a.xml",
                                 "tags": ["x", "y"]}
    # the channels' comment block still comes right before [[channels]], after the new feed
    i_new = out.text.index('name = "example-a"')
    i_comment = out.text.index("# channels: one [[channels]] table")
    assert i_new < i_comment < out.text.index("[[channels]]\nname")
    assert out.text[:i_new].endswith('allow_private = false\n\n[[feeds]]\n')


def test_append_to_a_file_without_feeds() -> None:
    out = append_feeds("# top comment\n[daemon]\nlog_level = \"info\"\n",
                       [NewFeed("https://example.org/a.xml", "A")])
    assert out.text.startswith("# top comment\n[daemon]\n")
    assert tomllib.loads(out.text)["feeds"] == [{"name": "a", "url": "https://example.org/a.xml"}]


# ------------------------------------------------------------------ the commands


def test_import_then_export_round_trip(cfg_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (cfg_dir / "monitor.toml").read_text(encoding="utf-8")
    code, out, err = run(capsys, "feeds", "import", str(OPML / "freshrss.opml"),
                         "--config", str(cfg_dir))
    assert code == 0, err
    # the three feeds of this export are already in the shipped config: skipped, file unchanged
    assert out.count("skipped") == 3 and "nothing added" in out
    assert (cfg_dir / "monitor.toml").read_text(encoding="utf-8") == before

    code, out, err = run(capsys, "feeds", "import", str(OPML / "miniflux.opml"),
                         "--config", str(cfg_dir))
    assert code == 0, err
    assert "added 'ukrainska-pravda' https://www.pravda.com.ua/eng/rss/" in out
    assert out.count("skipped") == 2
    cfg = load_config(cfg_dir)
    assert cfg.monitor.feeds[-1].tags == ["Ukraine"]
    assert len(cfg.monitor.feeds) == 7

    code, exported, _ = run(capsys, "feeds", "export", "--config", str(cfg_dir))
    assert code == 0
    feeds = parse_opml(exported.encode("utf-8"))
    assert [f.url for f in feeds] == [f.url for f in cfg.monitor.feeds]
    assert feeds[-1].tags == ("Ukraine",) and feeds[-1].title == "ukrainska-pravda"


def test_import_a_second_time_adds_nothing(cfg_dir: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "feeds", "import", str(OPML / "inoreader.opml"), "--config", str(cfg_dir))
    once = (cfg_dir / "monitor.toml").read_text(encoding="utf-8")
    code, out, _ = run(capsys, "feeds", "import", str(OPML / "inoreader.opml"),
                       "--config", str(cfg_dir))
    assert code == 0 and "nothing added (2 already there" in out
    assert (cfg_dir / "monitor.toml").read_text(encoding="utf-8") == once


def test_import_hostile_file_refused_cleanly(cfg_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    before = (cfg_dir / "monitor.toml").read_text(encoding="utf-8")
    code, out, err = run(capsys, "feeds", "import", str(OPML / "xxe.opml"),
                         "--config", str(cfg_dir))
    assert code == 1
    assert "refused" in err and "Traceback" not in err and "root:" not in out + err
    assert (cfg_dir / "monitor.toml").read_text(encoding="utf-8") == before


def test_import_refuses_internal_and_odd_urls(cfg_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mixed.opml"
    f.write_text('<opml version="2.0"><body>'
                 '<outline text="lo" xmlUrl="http://127.0.0.1:8080/feed"/>'
                 '<outline text="ftp" xmlUrl="ftp://example.org/feed"/>'
                 '<outline text="ok" xmlUrl="https://example.org/ok.xml"/>'
                 "</body></opml>", encoding="utf-8")
    code, out, err = run(capsys, "feeds", "import", str(f), "--config", str(cfg_dir))
    assert code == 0
    assert err.count("refused") == 2 and "internal address" in err
    assert "added 'ok'" in out
    load_config(cfg_dir)  # still valid


def test_export_leaves_credentials_out(cfg_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "feeds", "import", str(OPML / "newsboat.opml"), "--config", str(cfg_dir))
    path = cfg_dir / "monitor.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "https://www.theguardian.com/world/rss", "https://reader:s3cr3t-pw@www.theguardian.com/world/rss"),
        encoding="utf-8")
    # a URL with credentials is refused by the config (use username / password_env), and
    # the refusal does not show the password
    code, out, err = run(capsys, "feeds", "export", "--config", str(cfg_dir))
    assert code == 78 and "s3cr3t-pw" not in out + err
    assert "password_env" in err


# ------------------------------------------------------------------ discovery


def test_alternate_links_resolved_and_filtered() -> None:
    html = (SITES / "linked.html").read_bytes()
    assert alternate_links(html, "http://h.example/site/index.html") == [
        "http://h.example/f/notafeed.html", "http://h.example/f/kyiv.atom"]
    base = b'<html><head><base href="https://cdn.example/x/"><link rel="Alternate feed" ' \
           b'type="application/RSS+XML; charset=utf-8" href="rss"></head></html>'
    assert alternate_links(base, "https://h.example/") == ["https://cdn.example/x/rss"]
    assert alternate_links((SITES / "bare.html").read_bytes(), "https://h.example/") == []


def test_common_paths_at_site_root() -> None:
    paths = common_paths("https://h.example/news/today.html")
    assert paths[0] == "https://h.example/feed" and "https://h.example/index.xml" in paths


@pytest.fixture
def site(server: FeedServer) -> FeedServer:
    server.files["linked.html"] = (SITES / "linked.html").read_bytes()
    server.files["bare.html"] = (SITES / "bare.html").read_bytes()
    server.files["notafeed.html"] = (SITES / "bare.html").read_bytes()
    for name in ("linked.html", "bare.html", "notafeed.html"):
        server.content_types[name] = "text/html; charset=utf-8"
    server.paths["/site/index.html"] = "linked.html"
    return server


def test_add_a_feed_url_directly(cfg_dir: Path, site: FeedServer,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "feeds", "add", site.url("/f/lemonde.xml"), "--allow-private",
                         "--config", str(cfg_dir))
    assert code == 0, err
    cfg = load_config(cfg_dir)
    new = cfg.monitor.feeds[-1]
    assert new.url == site.url("/f/lemonde.xml") and new.allow_private
    assert new.name.startswith("le-monde")


def test_add_discovers_link_alternate_skipping_a_broken_one(
        cfg_dir: Path, site: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "feeds", "add", site.url("/site/index.html"),
                         "--allow-private", "--name", "Kyiv local", "--config", str(cfg_dir))
    assert code == 0, err
    assert f"tried {site.url('/f/notafeed.html')}: not a feed" in err
    new = load_config(cfg_dir).monitor.feeds[-1]
    assert (new.name, new.url) == ("kyiv-local", site.url("/f/kyiv.atom"))
    assert site.hits("/feed") == 0  # the link was enough: no path guessed


def test_add_discovers_a_common_path(cfg_dir: Path, site: FeedServer,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    site.paths["/site/bare.html"] = "bare.html"
    site.paths["/rss.xml"] = "yonhap.xml"
    code, out, err = run(capsys, "feeds", "add", site.url("/site/bare.html"), "--allow-private",
                         "--config", str(cfg_dir))
    assert code == 0, err
    assert f"tried {site.url('/feed')}: HTTP 404" in err
    assert load_config(cfg_dir).monitor.feeds[-1].url == site.url("/rss.xml")
    code, out, err = run(capsys, "feeds", "add", site.url("/site/bare.html"), "--allow-private",
                         "--config", str(cfg_dir))
    assert code == 0 and "skipped" in out and "already there" in out


def test_add_finds_nothing(cfg_dir: Path, site: FeedServer,
                           capsys: pytest.CaptureFixture[str]) -> None:
    before = (cfg_dir / "monitor.toml").read_text(encoding="utf-8")
    site.paths["/site/bare.html"] = "bare.html"
    code, out, err = run(capsys, "feeds", "add", site.url("/site/bare.html"), "--allow-private",
                         "--config", str(cfg_dir))
    assert code == 1
    assert "no RSS or Atom feed found" in err
    assert err.count("tried") == 7  # the page and the six usual paths
    assert (cfg_dir / "monitor.toml").read_text(encoding="utf-8") == before


def test_add_keeps_the_address_policy(cfg_dir: Path, site: FeedServer,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "feeds", "add", site.url("/f/lemonde.xml"),
                          "--config", str(cfg_dir))
    assert code == 2 and "internal address" in err
    assert site.hits("/f/lemonde.xml") == 0


def test_add_stops_at_the_body_cap(cfg_dir: Path, site: FeedServer,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "feeds", "add", site.url("/huge?mb=30"), "--allow-private",
                          "--config", str(cfg_dir))
    assert code == 1 and "cap" in err
