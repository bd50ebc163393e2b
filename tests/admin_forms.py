"""Admin forms read and sent back the way a browser does (used by the admin tests)."""

from urllib.parse import urlencode

import lxml.html


def browser_form_data(html: str, form_id: str) -> list[tuple[str, str]]:
    """What a browser submits for the form: successful controls in document order."""
    form = lxml.html.document_fromstring(html).get_element_by_id(form_id)
    data = []
    for element in form.iter("input", "select", "textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    data.append((name, element.get("value", "on")))
                continue
            data.append((name, element.get("value", "")))
        elif element.tag == "select":
            options = element.findall(".//option")
            chosen = [o for o in options if o.get("selected") is not None]
            if not chosen and options and element.get("multiple") is None:
                chosen = options[:1]  # a single select always sends something
            data.extend((name, o.get("value", o.text_content())) for o in chosen)
        else:
            text = element.text or ""
            text = text[1:] if text.startswith("\n") else text  # the HTML parser drops it
            data.append((name, text.replace("\r\n", "\n").replace("\n", "\r\n")))
    return data


def page_errors(html: str) -> str:
    doc = lxml.html.document_fromstring(html)
    found = doc.xpath('//*[contains(@class, "errornote") or contains(@class, "errorlist")]'
                      ' | //ul[contains(@class, "messagelist")]/li')
    return " | ".join(" ".join(e.text_content().split()) for e in found)


def post_form(client, url: str, data: list[tuple[str, str]], button: str = "_save"):
    """Post the pairs in order, urlencoded, with the submit button pressed."""
    return client.generic("POST", url, urlencode([*data, (button, "Save")]),
                          content_type="application/x-www-form-urlencoded")
