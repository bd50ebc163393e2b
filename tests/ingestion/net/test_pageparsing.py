import datetime

import pytest

from ingestion.errors import PermanentError
from ingestion.net.pageparsing import decode_html, extract_article, looks_binary

STORY = (
    "The communications ministry ordered the platform to remove the posts within a day. "
    "The company said it would review the request under its policies and local law. "
)


def page(body: str, *, head: str = "", lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>Ministry orders removal</title>{head}</head>'
        f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Ministry orders removal</h1>{body}</article>"
        "<footer>Copyright</footer></body></html>"
    )


def paragraphs(text: str, count: int = 6) -> str:
    return "".join(f"<p>{text} Paragraph {n}.</p>" for n in range(count))


def test_it_extracts_title_text_author_date_language_and_canonical():
    head = (
        '<meta name="author" content="Jane Reporter">'
        '<meta property="article:published_time" content="2021-02-04T08:00:00Z">'
        '<link rel="canonical" href="/world/story-1?utm_source=rss#top">'
    )
    result = extract_article(
        page(paragraphs(STORY), head=head).encode(), url="https://news.example/amp/story-1"
    )
    assert result.title == "Ministry orders removal"
    assert "communications ministry ordered" in result.text
    assert "Home" not in result.text
    assert result.author == "Jane Reporter"
    assert result.published == datetime.date(2021, 2, 4)
    assert result.language == "en"
    assert result.canonical_url == "https://news.example/world/story-1"


def test_it_detects_language_when_the_page_does_not_declare_it():
    text = (
        "El ministerio ordenó a la plataforma retirar las publicaciones en un plazo de un día. "
        "La empresa dijo que revisaría la solicitud según sus políticas y la ley local. "
    )
    html = page(paragraphs(text), lang="").replace(' lang=""', "")
    assert extract_article(html.encode()).language == "es"


def test_it_survives_broken_markup():
    html = (
        "<html><body><div><p>" + STORY + "<p><b>" + STORY + "<i>" + STORY
        + "</div></span><p>" + STORY + "<table><tr><td>x"
    )
    result = extract_article(html.encode())
    assert "communications ministry" in result.text


def test_a_cp1252_page_labelled_utf8_comes_out_right():
    text = "Le ministère a dit «non» — c’est la “dernière” étape. " * 8
    body = page(paragraphs(text), lang="fr").encode("cp1252")
    result = extract_article(body, http_charset="utf-8")
    assert "ministère" in result.text
    assert "c’est la “dernière” étape" in result.text
    assert result.encoding == "cp1252"


def test_a_shift_jis_page_labelled_latin1_comes_out_right():
    text = "総務省はプラットフォームに対し、投稿を一日以内に削除するよう命じた。同社は方針と現地の法律に基づいて要請を検討すると述べた。"
    body = page(paragraphs(text, 8), lang="ja").encode("shift_jis")
    result = extract_article(body, http_charset="iso-8859-1", min_text_chars=50)
    assert "総務省はプラットフォームに対し" in result.text
    assert result.encoding == "cp932"


def test_a_shift_jis_page_with_a_meta_charset_and_a_wrong_header_comes_out_right():
    text = "裁判所は同社に対し、アカウントを停止するよう命じた。" * 4
    html = page(paragraphs(text, 8), head='<meta charset="Shift_JIS">', lang="ja")
    result = extract_article(html.encode("shift_jis"), http_charset="utf-8", min_text_chars=50)
    assert "アカウントを停止するよう命じた" in result.text


def test_decode_prefers_valid_utf8_over_a_wrong_latin1_label():
    text, encoding = decode_html("<p>Zürich — ça</p>".encode(), http_charset="iso-8859-1")
    assert (text, encoding) == ("<p>Zürich — ça</p>", "utf-8")


def test_decode_honours_a_bom():
    text, encoding = decode_html("\ufeff<p>é</p>".encode("utf-16"))
    assert text.endswith("<p>é</p>") and encoding == "utf-16"


def test_an_empty_page_gets_a_reason():
    with pytest.raises(PermanentError, match="empty") as info:
        extract_article(b"   \n")
    assert info.value.code == "empty_page"


def test_html_without_a_body_gets_a_reason():
    with pytest.raises(PermanentError, match="no <body>") as info:
        extract_article(b"<html><head><title>Only a head</title></head></html>")
    assert info.value.code == "no_body"


def test_a_page_without_article_text_gets_a_reason():
    html = "<html><body><nav><a href='/'>Home</a></nav><p>Subscribe!</p></body></html>"
    with pytest.raises(PermanentError, match="no article text") as info:
        extract_article(html.encode())
    assert info.value.code == "no_text"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x01\x02" + bytes(range(256)) * 20,
        bytes(range(256)) * 50,
    ],
)
def test_binary_content_served_as_html_gets_a_reason(content):
    assert looks_binary(content)
    with pytest.raises(PermanentError, match="binary") as info:
        extract_article(content, http_charset="utf-8")
    assert info.value.code == "binary_content"


def test_ordinary_text_in_any_encoding_is_not_binary():
    assert not looks_binary(page(paragraphs(STORY)).encode("utf-8"))
    assert not looks_binary(page(paragraphs(STORY)).encode("utf-16"))  # NULs, but a BOM
    assert not looks_binary("日本語のテキスト".encode("shift_jis") * 100)


def test_a_non_http_canonical_is_ignored():
    head = '<link rel="canonical" href="javascript:alert(1)">'
    result = extract_article(page(paragraphs(STORY), head=head).encode(), url="https://a.example/x")
    assert result.canonical_url is None
