"""Lay out the Word appendix from the blocks `appendix.docx.j2` renders: the template decides what it says.

Each block is one JSON object (the vocabulary is documented at the top of the
template). This module only turns blocks into Word structure: built-in Heading
styles, numbered paragraphs whose number is literal text (so it survives
copy-paste), tables with a repeating, bold header row, an A4 page with the
protective marking in the header and "Page N of M" as real fields in the footer.

The same blocks give byte-identical bytes: core properties carry the report date,
the package is rewritten with fixed entry timestamps in a fixed order, and the
only ids in the document (bookmarks) are counted from 1. Text is stripped of the
characters XML cannot hold, so a chronology pasted with control characters still
gives a document that opens.

The time taken grows with the number of blocks, not its square: paragraphs, runs and tables
are built with lxml as python-docx builds them (the same elements, attributes and order, so the
same bytes), because python-docx's `add_paragraph` and `add_table` scan the whole body for its
end each time, and its property setters search every possible sibling for a new element's place.
"""

from __future__ import annotations

import io
import re
from copy import deepcopy
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Protocol

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from ..files.writing import stable_zip

PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)  # A4 portrait
MARGIN = Cm(2.0)
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
NUMBER_INDENT = Cm(1.0)
LANGUAGE = "en-GB"
FONT = "Arial"
HEADER_FILL = "D9D9D9"
LONG_ROW = 1500  # characters: a row longer than this may break across pages (a row taller than a page must)

# Characters XML 1.0 cannot hold are dropped. A vertical tab or form feed (Word's line and page breaks
# when pasted as plain text) and Unicode's line and paragraph separators become line breaks.
_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
_FIELD = re.compile(r"\{(PAGE|NUMPAGES|SECTIONPAGES)\}")


class BlockError(ValueError):
    """A block the writer does not understand: a template error, reported with the block."""


def clean(text: Any) -> str:
    """Text Word can hold: XML-forbidden characters removed, \\r\\n and stray \\r made newlines."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _FORBIDDEN.sub("", _BREAKS.sub("\n", text))


_TO_CLEAN = re.compile("[\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ufffe\uffff\ud800-\udfff]")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value) if _TO_CLEAN.search(value) else value  # most text has nothing to clean
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    return value


class PageInfo(Protocol):
    """What the page furniture needs: an appendix, a briefing or any other document model."""

    title: str
    marking: str
    report_date: date


def write_docx(blocks: list[dict[str, Any]], appendix: PageInfo, reference: bytes | None = None) -> bytes:
    """The .docx bytes for these blocks; `appendix` gives the marking, date and title the page furniture needs.

    `reference`: a partnership's own Word document or template (.docx) to build on, as pandoc's reference docx:
    its styles, fonts, page size, margins, headers and footers are kept and only its body is replaced. Styles the
    appendix needs that it lacks are added from the built-in template."""
    writer = _Writer(appendix, reference)
    for block in blocks:
        writer.add(_scrub(block))
    return writer.save()


class _Writer:
    def __init__(self, appendix: PageInfo, reference: bytes | None = None) -> None:
        self.appendix = appendix
        self.reference = reference is not None
        self.literal_bullets = False  # a reference whose list style has no numbering: the bullet is written
        self.doc = Document(io.BytesIO(reference)) if reference is not None else Document()
        self.bookmark_id = 0
        self.style_ids: dict[str, str] = {}
        self.header: Any = clean(appendix.marking)
        self.footer: Any = [clean(appendix.marking), "Page {PAGE} of {NUMPAGES}", f"{appendix.report_date:%d/%m/%Y}"]
        self.properties: dict[str, str] = {"title": clean(appendix.title)}
        self.table_style_ids: dict[str, str | None] = {}
        # The contents block's place and depth, and the headings it will list: (level, text, bookmark name).
        self.contents: tuple[Any, int, str] | None = None
        self.headings: list[tuple[int, str, str]] = []
        self._clear_body()
        if self.reference:
            self._reference_styles()
        else:
            self._page()
            self._styles()
        section = self.doc.sections[0]
        self.text_width = section.page_width - section.left_margin - section.right_margin
        # Blocks are added before the body's closing section properties, found once: python-docx's own
        # add_paragraph and add_table search the whole body for it (and add_table every section) each
        # time, which made the document quadratic in its length.
        self.container = self.doc._body
        self.sect_pr = self.doc.element.body.sectPr

    # -- set-up -----------------------------------------------------------------------------------------------

    def _clear_body(self) -> None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.left_margin = section.right_margin = MARGIN
        section.top_margin = section.bottom_margin = Cm(2.2)
        section.header_distance = section.footer_distance = Cm(1.0)

    def _reference_styles(self) -> None:
        """The reference document's own styles stand; those the appendix uses that it lacks come from the
        built-in template (a bulleted list style without its numbering becomes a plain hanging indent, and the
        bullet is written as text)."""
        have = {style.name for style in self.doc.styles}
        built_in = Document()
        self._styles(built_in)
        self.literal_bullets = False
        for name in _STYLES_USED:
            if name in have:
                continue
            element = deepcopy(built_in.styles[name].element)
            if name.startswith("List Bullet") or name == "Finding Bullet":
                p_pr = element.find(qn("w:pPr"))
                num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
                if num_pr is not None:
                    p_pr.remove(num_pr)
                    self.literal_bullets = True
            based_on = element.find(qn("w:basedOn"))
            if based_on is not None and based_on.get(qn("w:val")) not in {s.style_id for s in self.doc.styles}:
                element.remove(based_on)
            self.doc.styles.element.append(element)

    def _styles(self, doc: Any = None) -> None:
        doc = doc or self.doc
        styles = doc.styles
        # British English for the whole document, so Word's spelling checker uses it.
        rpr = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)
        lang.set(qn("w:bidi"), "ar-SA")
        theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), LANGUAGE)

        normal = styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(11)
        _set_fonts(normal.element, FONT)
        normal.paragraph_format.space_after = Pt(6)
        for level, size in ((1, 16), (2, 13), (3, 11.5)):
            heading = styles[f"Heading {level}"]
            heading.font.name, heading.font.size = FONT, Pt(size)
            _set_fonts(heading.element, FONT)
            heading.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
            heading.paragraph_format.space_before = Pt(18 if level == 1 else 12)
            heading.paragraph_format.space_after = Pt(6)
            heading.paragraph_format.keep_with_next = True
        title = styles["Title"]
        title.font.name, title.font.size = FONT, Pt(20)
        _set_fonts(title.element, FONT)
        title.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)

        numbered = styles.add_style("Numbered Paragraph", WD_STYLE_TYPE.PARAGRAPH)
        numbered.base_style = normal
        numbered.quick_style = True
        fmt = numbered.paragraph_format
        fmt.left_indent, fmt.first_line_indent = NUMBER_INDENT, -NUMBER_INDENT
        fmt.tab_stops.add_tab_stop(NUMBER_INDENT)

        body_indent = styles.add_style("Finding Detail", WD_STYLE_TYPE.PARAGRAPH)
        body_indent.base_style = normal
        body_indent.quick_style = True
        body_indent.paragraph_format.left_indent = NUMBER_INDENT
        body_indent.paragraph_format.space_after = Pt(4)

        note = styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = normal
        note.quick_style = True
        note.font.italic = True
        note.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
        note.paragraph_format.left_indent = NUMBER_INDENT

        bullet = styles["List Bullet"]
        bullet.paragraph_format.space_after = Pt(3)
        indented = styles.add_style("Finding Bullet", WD_STYLE_TYPE.PARAGRAPH)
        indented.base_style = bullet
        indented.quick_style = True
        indented.paragraph_format.left_indent = NUMBER_INDENT + Cm(0.63)
        indented.paragraph_format.first_line_indent = Cm(-0.63)

        table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        table_text.base_style = normal
        table_text.font.size = Pt(9)
        table_text.paragraph_format.space_after = Pt(1)
        table_text.paragraph_format.space_before = Pt(1)
        table_text.paragraph_format.line_spacing = 1.0

        for level in (1, 2, 3):  # Word's own TOC styles, which its contents field uses when it updates
            toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH, builtin=True)
            toc.base_style = normal
            toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            toc.paragraph_format.space_after = Pt(2)

        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER, builtin=True)  # Word's own Hyperlink style
        link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        link.font.underline = True

        for name in ("Header", "Footer"):
            style = styles[name]
            style.font.name, style.font.size = FONT, Pt(9)
            stops = style.paragraph_format.tab_stops
            stops.clear_all()  # the template's stops are for US Letter
            stops.add_tab_stop(TEXT_WIDTH // 2, WD_TAB_ALIGNMENT.CENTER)
            stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)

    # -- blocks -----------------------------------------------------------------------------------------------

    def add(self, block: dict[str, Any]) -> None:
        if "document" in block:
            spec = block["document"]
            self.header = spec.get("header", self.header)
            self.footer = spec.get("footer", self.footer)
            self.properties.update({k: v for k, v in spec.items() if k in ("title", "subject", "keywords",
                                                                              "category", "comments")})
            if spec.get("compact") and not self.reference:  # a handout that must fit its page: smaller type
                self._compact()
        elif "heading" in block:
            level = int(block.get("level", 1))
            if not 0 <= level <= 3:
                raise BlockError(f"heading level must be 0 to 3: {block}")
            paragraph = self._paragraph("Title" if level == 0 else f"Heading {level}")
            self._inline(paragraph._p, block["heading"])
            if block.get("new_page"):
                paragraph.paragraph_format.page_break_before = True
            anchor = block.get("anchor")
            if self.contents is not None and 1 <= level <= self.contents[1]:
                anchor = anchor or f"contents-{len(self.headings) + 1}"
                self.headings.append((level, _plain(block["heading"]), _bookmark_name(anchor)))
            if anchor:
                self._bookmark(paragraph, anchor)
        elif "para" in block:
            paragraph = self._paragraph("Numbered Paragraph")
            _run(paragraph._p, f"{block['number']}.\t")
            self._inline(paragraph._p, block["para"])
            if block.get("anchor"):
                self._bookmark(paragraph, block["anchor"])
        elif "text" in block:
            paragraph = self._paragraph(block.get("style") or ("Finding Detail" if block.get("indent") else "Normal"))
            if block.get("label"):
                _run(paragraph._p, f"{block['label']}: ", bold=True)
                if not block["text"]:  # a label alone introduces the list or table after it: keep them together
                    _keep_with_next(paragraph._p)
            self._inline(paragraph._p, block["text"])
        elif "note" in block:
            self._inline(self._paragraph("Note")._p, block["note"])
        elif "bullets" in block:
            style = "Finding Bullet" if block.get("indent") else "List Bullet"
            for item in block["bullets"]:
                p = self._paragraph(style)._p
                if self.literal_bullets:
                    _run(p, "\u2022\t")
                self._inline(p, item)
        elif "table" in block:
            self._table(block["table"], bool(block.get("indent")))
        elif "page_break" in block:
            self._paragraph("Normal").add_run().add_break(WD_BREAK.PAGE)
        elif "contents" in block:
            spec = block["contents"] if isinstance(block["contents"], dict) else {}
            levels = int(spec.get("levels", 2))
            if self.contents is not None or not 1 <= levels <= 3:
                raise BlockError(f"one contents block, with levels 1 to 3: {block}")
            heading = self._paragraph("TOC Heading")
            _run(heading._p, str(spec.get("title", "Contents")))
            self.contents = (self._paragraph("Normal")._p, levels, str(spec.get("empty", "")))
        else:
            raise BlockError(f"unknown block (expected document, heading, para, text, note, bullets, table, "
                             f"contents or page_break): {block}")

    def _compact(self) -> None:
        """Body 10 pt with less space between paragraphs, and headings to match: for a one-page handout."""
        styles = self.doc.styles
        styles["Normal"].font.size = Pt(10)
        styles["Normal"].paragraph_format.space_after = Pt(3)
        for level, size in ((1, 14), (2, 11.5), (3, 10.5)):
            heading = styles[f"Heading {level}"]
            heading.font.size = Pt(size)
            heading.paragraph_format.space_before = Pt(8)
            heading.paragraph_format.space_after = Pt(2)
        styles["List Bullet"].paragraph_format.space_after = Pt(1)

    def _style_id(self, name: str) -> str:
        """A style's id, looked up once: python-docx looks styles up by scanning them all, every time."""
        if name not in self.style_ids:
            try:
                self.style_ids[name] = self.doc.styles[name].style_id
            except KeyError:
                raise BlockError(f"no style named {name!r} in the document") from None
        return self.style_ids[name]

    def _table_style_id(self, name: str) -> str | None:
        """A table style's id as `Table.style` sets it, looked up once per name."""
        if name not in self.table_style_ids:
            self.table_style_ids[name] = self.doc.part.get_style_id(self.doc.styles[name], WD_STYLE_TYPE.TABLE)
        return self.table_style_ids[name]

    def _paragraph(self, style: str) -> Any:
        """A new paragraph at the end of the body, as `Document.add_paragraph` adds it, then styled."""
        p = OxmlElement("w:p")
        self.sect_pr.addprevious(p)
        if style != "Normal":
            _set_style(p, self._style_id(style))
        return Paragraph(p, self.container)

    def _inline(self, p: Any, content: Any, bold: bool = False) -> None:
        """A string, or a list of segments: strings or {"text", "bold", "italic", "link"} objects.

        `bold`: every run but a link's bold (a header row). Runs are built as python-docx's `add_run` and `Run.bold`
        and `Run.italic` build them (the same elements, in the same order), without its search of each
        element's possible children for where a new one goes.
        """
        for segment in content if isinstance(content, list) else [content]:
            if not isinstance(segment, dict):
                _run(p, "" if segment is None else str(segment), bold)
                continue
            text = str(segment.get("text", ""))
            if segment.get("link"):
                # A header row's bold never reached links: python-docx's `Paragraph.runs` leaves out runs in links.
                self._link(p, text, segment["link"], bool(segment.get("bold")), bool(segment.get("italic")))
            else:
                _run(p, text, bold or bool(segment.get("bold")), bool(segment.get("italic")))

    def _bookmark(self, paragraph: Any, anchor: str) -> None:
        self.bookmark_id += 1
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(self.bookmark_id))
        start.set(qn("w:name"), _bookmark_name(anchor))
        end.set(qn("w:id"), str(self.bookmark_id))
        p = paragraph._p
        ppr = p.find(qn("w:pPr"))
        p.insert(0 if ppr is None else list(p).index(ppr) + 1, start)
        p.append(end)

    def _link(self, p: Any, text: str, anchor: str, bold: bool, italic: bool) -> None:
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("w:anchor"), _bookmark_name(anchor))
        hyperlink.set(qn("w:history"), "1")
        _run(hyperlink, text, bold, italic, self._style_id("Hyperlink"))
        p.append(hyperlink)

    def _table(self, spec: dict[str, Any], indented: bool = False) -> None:
        header: list[Any] = spec.get("header") or []
        rows: list[list[Any]] = spec.get("rows") or []
        columns = len(header) or max((len(r) for r in rows), default=0)
        if not columns:
            return
        weights = [float(w) for w in spec.get("widths") or [1] * columns]
        if len(weights) != columns or any(len(r) != columns for r in rows):
            raise BlockError(f"table rows and widths must have {columns} columns: {spec}")
        indent = NUMBER_INDENT if indented else 0
        widths = [int((self.text_width - indent) * w / sum(weights)) for w in weights]
        # The table python-docx's `Document.add_table` would make, given the style, alignment, fixed layout,
        # widths, row properties and header shading set below; built directly, element by element.
        tbl = OxmlElement("w:tbl")
        self.sect_pr.addprevious(tbl)
        tbl_pr = _child(tbl, "w:tblPr")
        style_id = self._table_style_id(spec.get("style", "Table Grid"))
        if style_id is not None:
            _child(tbl_pr, "w:tblStyle", val=style_id)
        _child(tbl_pr, "w:tblW", type="dxa", w=str(sum(widths) // 635))
        _child(tbl_pr, "w:jc", val="left")
        if indent:
            _child(tbl_pr, "w:tblInd", w=str(indent // 635), type="dxa")
        _child(tbl_pr, "w:tblLayout", type="fixed")  # so the widths hold in Word and LibreOffice alike
        _child(tbl_pr, "w:tblLook", firstColumn="1", firstRow="1", lastColumn="0", lastRow="0", noHBand="0",
               noVBand="1", val="04A0")
        grid = _child(tbl, "w:tblGrid")
        twips = [str(Emu(width).twips) for width in widths]
        for width in twips:
            _child(grid, "w:gridCol", w=width)
        text_style = self._style_id("Table Text")
        for index, values in enumerate(([header] if header else []) + rows):
            is_header = bool(header) and index == 0
            tr = _child(tbl, "w:tr")
            if is_header or _length(values) <= LONG_ROW:
                tr_pr = _child(tr, "w:trPr")
                _child(tr_pr, "w:cantSplit")
                if is_header:
                    _child(tr_pr, "w:tblHeader")
            for width, value in zip(twips, values):
                tc = _child(tr, "w:tc")
                tc_pr = _child(tc, "w:tcPr")
                _child(tc_pr, "w:tcW", type="dxa", w=width)
                if is_header:
                    _child(tc_pr, "w:shd", val="clear", color="auto", fill=HEADER_FILL)
                p = _child(tc, "w:p")
                _set_style(p, text_style)
                self._inline(p, value if value is not None else "", bold=is_header)
        self._paragraph("Table Text")  # a gap after the table, and never two tables merged

    # -- page furniture and package ---------------------------------------------------------------------------

    def _furniture(self) -> None:
        section = self.doc.sections[0]
        if self.reference and any(p.text.strip() for part in (section.header, section.footer)
                                  for p in part.paragraphs):
            return  # the partnership's own header and footer, with its own marking
        header = section.header.paragraphs[0]
        self._furniture_line(header, self.header, bold=True)
        footer = section.footer.paragraphs[0]
        self._furniture_line(footer, self.footer, bold=False)

    def _furniture_line(self, paragraph: Any, content: Any, bold: bool) -> None:
        """A string is centred; a list of three is left, centre and right. {PAGE} and {NUMPAGES} become fields."""
        if isinstance(content, list):
            parts = (list(content) + ["", "", ""])[:3]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        else:
            parts = [str(content)]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for index, part in enumerate(parts):
            if index:
                paragraph.add_run("\t")
            for piece in _FIELD.split(clean(part)):
                if piece in ("PAGE", "NUMPAGES", "SECTIONPAGES"):
                    _field(paragraph, piece, bold)
                elif piece:
                    paragraph.add_run(piece).bold = bold or None

    def _fill_contents(self) -> None:
        """The contents block becomes a TOC field whose result is already the list of the headings that followed
        it, each a link to its heading: readable as it is (LibreOffice shows it so), and Word, told to update
        fields on opening (`w:updateFields`), adds the page numbers."""
        if self.contents is None:
            return
        placeholder, levels, empty = self.contents
        entries = self.headings or [(1, empty or "(no headings)", "")]
        paragraphs = []
        for index, (level, text, bookmark) in enumerate(entries):
            p = OxmlElement("w:p")
            _set_style(p, self._style_id(f"TOC {level}"))
            if index == 0:
                _field_char(p, "begin")
                instr = etree.SubElement(etree.SubElement(p, _R), qn("w:instrText"))
                instr.set(_XML_SPACE, "preserve")
                instr.text = f' TOC \\o "1-{levels}" \\h \\z \\u '
                _field_char(p, "separate")
            if bookmark:
                self._link(p, text, bookmark, False, False)
            else:
                _run(p, text)
            if index == len(entries) - 1:
                _field_char(p, "end")
            paragraphs.append(p)
        for p in paragraphs:
            placeholder.addprevious(p)
        placeholder.getparent().remove(placeholder)
        settings = self.doc.settings.element
        if settings.find(qn("w:updateFields")) is None:
            update = OxmlElement("w:updateFields")
            update.set(qn("w:val"), "true")
            # Word refuses settings out of the schema's order: updateFields comes before all of these.
            later = next((child for child in settings if etree.QName(child).localname in _AFTER_UPDATE_FIELDS), None)
            if later is None:
                settings.append(update)
            else:
                later.addprevious(update)

    def save(self) -> bytes:
        self._fill_contents()
        self._furniture()
        day = self.appendix.report_date
        stamp = datetime(day.year, day.month, day.day, tzinfo=UTC)
        core = self.doc.core_properties
        for name in ("title", "subject", "keywords", "category", "comments"):
            setattr(core, name, clean(self.properties.get(name, ""))[:255])  # python-docx's limit
        core.author = core.last_modified_by = "auditor"
        core.language = LANGUAGE
        core.revision = 1
        core.created = core.modified = stamp
        package = self.doc.part.package
        for rid, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:  # the blank page of python-docx's own template
                package.rels.pop(rid)
        raw = io.BytesIO()
        self.doc.save(raw)
        stamp = (day.year, day.month, day.day, 0, 0, 0) if day.year >= 1980 else (1980, 1, 1, 0, 0, 0)  # zip's epoch
        return stable_zip(raw.getvalue(), stamp, compresslevel=9)


def _bookmark_name(anchor: str) -> str:
    """Word bookmark names are letters, digits and underscores, starting with a letter, at most 40 long."""
    name = re.sub(r"\W", "_", anchor, flags=re.ASCII)
    if not name[:1].isalpha():
        name = "b_" + name
    return name[:40]


def _set_fonts(style_element: Any, font: str) -> None:
    rpr = style_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _length(values: list[Any]) -> int:
    """The number of characters in a row's cells, whether a cell is a string or a list of segments."""
    total = 0
    for value in values:
        for segment in value if isinstance(value, list) else [value]:
            total += len(str(segment.get("text", "")) if isinstance(segment, dict) else str(segment))
    return total


def _child(parent: Any, tag: str, **attributes: str) -> Any:
    """A new last child `w:<tag>` with `w:` attributes, in the order given."""
    element = etree.SubElement(parent, _qn(tag))
    for name, value in attributes.items():
        element.set(_qn("w:" + name), value)
    return element


@cache
def _qn(name: str) -> str:
    return qn(name)


# Every style the blocks may name, which a reference document must have or be given.
_STYLES_USED = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Finding Bullet",
                "Numbered Paragraph", "Finding Detail", "Note", "Table Text", "Table Grid", "Hyperlink",
                "TOC Heading", "TOC 1", "TOC 2", "TOC 3", "Header", "Footer")


_AFTER_UPDATE_FIELDS = frozenset({
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
    "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator"})


def _plain(content: Any) -> str:
    """The text of a block's TEXT (a string or a list of segments)."""
    if isinstance(content, list):
        return "".join(str(s.get("text", "")) if isinstance(s, dict) else str(s) for s in content)
    return str(content)


def _field_char(p: Any, kind: str) -> None:
    etree.SubElement(etree.SubElement(p, _R), qn("w:fldChar")).set(qn("w:fldCharType"), kind)


def _field(paragraph: Any, name: str, bold: bool) -> None:
    """A complex field (begin, instruction, separate, cached result, end) Word and LibreOffice both update."""
    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        run.bold = bold or None
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {name} \\* MERGEFORMAT "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run("1").bold = bold or None
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


_P_PR, _P_STYLE, _VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:val")
_R, _R_PR, _R_STYLE, _BOLD, _ITALIC = qn("w:r"), qn("w:rPr"), qn("w:rStyle"), qn("w:b"), qn("w:i")
_T, _TAB, _BR, _XML_SPACE = qn("w:t"), qn("w:tab"), qn("w:br"), qn("xml:space")
_KEEP_NEXT = qn("w:keepNext")
_RUN_BREAKS = re.compile("([\t\r\n])")


def _set_style(p: Any, style_id: str) -> None:
    """`CT_P.style = style_id` on a paragraph with no properties yet: <w:pPr><w:pStyle w:val=".."/></w:pPr> first."""
    p_pr = p.makeelement(_P_PR)
    p.insert(0, p_pr)
    etree.SubElement(p_pr, _P_STYLE).set(_VAL, style_id)


def _keep_with_next(p: Any) -> None:
    """`paragraph_format.keep_with_next = True` on a paragraph whose properties hold at most its style."""
    p_pr = p.find(_P_PR)
    if p_pr is None:
        p_pr = p.makeelement(_P_PR)
        p.insert(0, p_pr)
    etree.SubElement(p_pr, _KEEP_NEXT)


def _run(parent: Any, text: str, bold: bool = False, italic: bool = False, style: str | None = None) -> Any:
    """What `Paragraph.add_run(text)` then `run.style`, `run.bold = True`, `run.italic = True` build.

    The run's properties come first (rStyle, b, i in the schema's order); a tab is <w:tab/>, a newline or
    carriage return <w:br/>, and each stretch of other characters one <w:t>, which keeps its spaces
    (xml:space="preserve") when it starts or ends with whitespace.
    """
    r = etree.SubElement(parent, _R)
    if style or bold or italic:
        r_pr = etree.SubElement(r, _R_PR)
        if style:
            etree.SubElement(r_pr, _R_STYLE).set(_VAL, style)
        if bold:
            etree.SubElement(r_pr, _BOLD)
        if italic:
            etree.SubElement(r_pr, _ITALIC)
    if text:
        for piece in _RUN_BREAKS.split(text):
            if piece == "\t":
                etree.SubElement(r, _TAB)
            elif piece == "\n" or piece == "\r":
                etree.SubElement(r, _BR)
            elif piece:
                t = etree.SubElement(r, _T)
                t.text = piece
                if len(piece.strip()) < len(piece):
                    t.set(_XML_SPACE, "preserve")
    return r


MAX_REFERENCE_BYTES = 50 * 1024 * 1024  # a partnership's template with its logos is a few megabytes
MAX_REFERENCE_UNPACKED = 200 * 1024 * 1024


def read_reference_docx(path: Any) -> bytes:
    """A reference document's bytes, checked before python-docx opens it: a .docx package (not an encrypted file
    or an old .doc), of bounded size packed and unpacked, with a main document part. Anything else is bad input."""
    import zipfile
    from pathlib import Path

    from ..errors import InputError, Problem

    def problem(message: str) -> InputError:
        return InputError([Problem(str(path), None, "--reference-docx", message)], "no report was written")

    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise problem("is not a file")
        if size > MAX_REFERENCE_BYTES:
            raise problem(f"is {size:,} bytes; a reference document may be at most {MAX_REFERENCE_BYTES:,}")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise problem("file not found") from None
    except OSError as exc:
        raise problem(f"cannot read: {exc.strerror}") from None
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise problem("is an encrypted Word file or an old .doc: open it in Word and save it as a .docx without "
                      "a password")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            members = package.infolist()
            if len(members) > 10_000 or sum(m.file_size for m in members) > MAX_REFERENCE_UNPACKED:
                raise problem("unpacks to more than a Word document holds")
            if "word/document.xml" not in package.namelist():
                raise problem("is a zip file but not a Word document (no word/document.xml)")
    except zipfile.BadZipFile:
        raise problem("is not a .docx (Word) file") from None
    try:
        Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several kinds for a damaged package  # noqa: BLE001
        raise problem(f"Word document that cannot be read ({type(exc).__name__}): open it in Word, save it, and "
                      "try again") from None
    return raw
