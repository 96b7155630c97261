"""The structure tree of a merged pack, so that the pack is a tagged PDF/UA-1 document like the
report (scrutiny.pdf.assemble_pack calls `tag_pack` on the merged file).

pypdf merges the parts' pages but not their structure trees. Here, with pikepdf, every part gets a
`Part` element under one `Document`, in the pack's order:

- a tagged part (every generated paper, and an attached paper that was tagged) keeps its own tree,
  copied across with its references turned to the pack's pages and annotations, its parent tree
  keys moved past the earlier parts' and its element ids made unique to the part;
- an untagged attached paper, whose content `scrutiny.pdf` has wrapped in one marked-content
  sequence per page (`mark_untagged_page`), gets a `Div` per page holding that content in the
  order it is drawn, and a `Link` (or `Annot`) element for each of its annotations. A reader
  reads its text as it would read the untagged paper; its headings and tables are not known.

The pack's page numbers and title are stamped as pagination artifacts (`ARTIFACT_BEGIN`), so
they are not read as part of any paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name, String

ARTIFACT_BEGIN = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
UNTAGGED_BEGIN = b"/Div <</MCID 0>> BDC\n"
MARKED_END = b"\nEMC\n"
# Annotations a reader skips, which PDF/UA leaves out of the structure tree.
UNSTRUCTURED_ANNOTATIONS = {"/Popup"}
ANNOTATION_ELEMENT = {"/Link": "/Link", "/Widget": "/Form"}


@dataclass(frozen=True)
class TaggedPart:
    label: str
    data: bytes  # the part as rendered or attached, before merging
    first_page: int  # in the pack, from 1
    page_count: int


def is_tagged(data: bytes) -> bool:
    """Whether a PDF carries a structure tree of its own."""
    with pikepdf.open(BytesIO(data)) as pdf:
        return "/StructTreeRoot" in pdf.Root


class _Tree:
    """The pack's structure tree as it is built: its Document element and parent tree."""

    def __init__(self, pack: pikepdf.Pdf):
        self.pack = pack
        self.root = pack.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = pack.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root, K=Array())
        )
        self.root.K = Array([self.document])
        self.nums: list = []
        self.next_key = 0

    def add_part(self, label: str) -> Dictionary:
        part = self.pack.make_indirect(
            Dictionary(
                Type=Name.StructElem, S=Name.Part, P=self.document, T=String(label), K=Array()
            )
        )
        self.document.K.append(part)
        return part

    def parent_entry(self, value) -> int:
        key = self.next_key
        self.nums += [key, value]
        self.next_key += 1
        return key

    def finish(self) -> None:
        self.root.ParentTree = self.pack.make_indirect(Dictionary(Nums=Array(self.nums)))
        self.root.ParentTreeNextKey = self.next_key
        self.pack.Root.StructTreeRoot = self.root
        self.pack.Root.MarkInfo = Dictionary(Marked=True)


def tag_pack(merged: bytes, parts: Sequence[TaggedPart], *, title: str, lang: str) -> bytes:
    """The merged pack with one structure tree covering every part (see the module docstring)."""
    with pikepdf.open(BytesIO(merged)) as pack:
        tree = _Tree(pack)
        for index, part in enumerate(parts):
            pages = [
                pack.pages[n].obj
                for n in range(part.first_page - 1, part.first_page - 1 + part.page_count)
            ]
            element = tree.add_part(part.label)
            if is_tagged(part.data):
                _graft(tree, element, part, pages, id_prefix=f"part{index + 1}-")
            else:
                _structure_untagged(tree, element, pages)
        tree.finish()
        for page in pack.pages:
            page.obj.Tabs = Name.S  # annotations in the order of the structure
        _describe(pack, title=title, lang=lang)
        out = BytesIO()
        pack.save(out)
        return out.getvalue()


def _describe(pack: pikepdf.Pdf, *, title: str, lang: str) -> None:
    pack.Root.Lang = String(lang)
    with pack.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["pdfuaid:part"] = "1"


# Untagged attached papers ----------------------------------------------------------------------


def _structure_untagged(tree: _Tree, part: Dictionary, pages: list[Dictionary]) -> None:
    for page in pages:
        div = tree.pack.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Div, P=part, Pg=page, K=Array([0]))
        )
        part.K.append(div)
        page.StructParents = tree.parent_entry(Array([div]))
        for annotation in page.get("/Annots", Array()):
            subtype = str(annotation.get("/Subtype", ""))
            if subtype in UNSTRUCTURED_ANNOTATIONS:
                continue
            element = tree.pack.make_indirect(
                Dictionary(
                    Type=Name.StructElem,
                    S=Name(ANNOTATION_ELEMENT.get(subtype, "/Annot")),
                    P=div,
                    Pg=page,
                    K=Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page),
                )
            )
            div.K.append(element)
            annotation.StructParent = tree.parent_entry(element)
            if "/Contents" not in annotation:
                uri = annotation.get("/A", Dictionary()).get("/URI")
                annotation.Contents = String(f"Link to {uri}" if uri else "Link")


# Tagged parts ----------------------------------------------------------------------------------


def _graft(
    tree: _Tree, part: Dictionary, source: TaggedPart, pages: list, *, id_prefix: str
) -> None:
    """Copy the part's structure tree under `part`, pointing at the pack's pages."""
    with pikepdf.open(BytesIO(source.data)) as original:
        copier = _Copier(tree.pack, id_prefix)
        copier.known[original.Root.StructTreeRoot.objgen] = part
        for source_page, page in zip(original.pages, pages, strict=True):
            copier.known[source_page.obj.objgen] = page
            copier.match_annotations(source_page.obj, page)
        root = original.Root.StructTreeRoot
        kids = root.get("/K", Array())
        for kid in kids if isinstance(kids, Array) else [kids]:
            part.K.append(copier.copy(kid))
        offset = tree.next_key
        highest = -1
        for key, value in _number_tree(root.get("/ParentTree", Dictionary())):
            tree.nums += [key + offset, copier.copy(value)]
            highest = max(highest, key)
        tree.next_key = offset + highest + 1
        for source_page, page in zip(original.pages, pages, strict=True):
            if "/StructParents" in source_page.obj:
                page.StructParents = int(source_page.obj.StructParents) + offset
        for annotation in copier.annotations.values():
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
        _merge_maps(tree.root, root)


def _number_tree(node: Dictionary):
    """The (key, value) pairs of a number tree, in order."""
    nums = node.get("/Nums", Array())
    for i in range(0, len(nums) - 1, 2):
        yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", Array()):
        yield from _number_tree(kid)


def _merge_maps(root: Dictionary, source_root: Dictionary) -> None:
    for name in ("/RoleMap", "/ClassMap"):
        if name in source_root:
            merged = root.get(name, Dictionary())
            for key, value in source_root[name].items():
                merged[key] = value
            root[name] = merged


class _Copier:
    """Copies structure elements from a part into the pack: pages and annotations become the
    pack's own (already merged), everything else is copied once."""

    def __init__(self, pack: pikepdf.Pdf, id_prefix: str):
        self.pack = pack
        self.id_prefix = id_prefix
        self.known: dict[tuple[int, int], object] = {}
        self.annotations: dict[tuple[int, int], Dictionary] = {}

    def match_annotations(self, source_page: Dictionary, page: Dictionary) -> None:
        """Pair the part's annotations with the merged page's, by kind and place."""
        merged = {_annotation_key(a): a for a in page.get("/Annots", Array())}
        for annotation in source_page.get("/Annots", Array()):
            if (found := merged.get(_annotation_key(annotation))) is not None:
                self.known[annotation.objgen] = found
                self.annotations[annotation.objgen] = found

    def copy(self, value):
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            if value.objgen in self.known:
                return self.known[value.objgen]
            if isinstance(value, pikepdf.Stream):
                copied = self.pack.copy_foreign(value)
                self.known[value.objgen] = copied
                return copied
        if isinstance(value, Dictionary):
            copied = Dictionary()
            if value.is_indirect:
                copied = self.pack.make_indirect(copied)
                self.known[value.objgen] = copied
            for key, item in value.items():
                copied[key] = self._item(key, item)
            if copied.get("/S") == Name.Document:
                copied.S = Name.Sect  # one Document per pack: a part's own is a section of it
            return copied
        if isinstance(value, Array):
            copied_array = Array([self.copy(item) for item in value])
            if value.is_indirect:
                copied_array = self.pack.make_indirect(copied_array)
                self.known[value.objgen] = copied_array
            return copied_array
        return value

    def _item(self, key: str, item):
        if key == "/ID":
            return String(self.id_prefix + str(item))
        if key == "/Headers" and isinstance(item, Array):
            return Array([String(self.id_prefix + str(header)) for header in item])
        return self.copy(item)


def _annotation_key(annotation: Dictionary) -> tuple:
    rect = tuple(round(float(number), 1) for number in annotation.get("/Rect", Array()))
    return (str(annotation.get("/Subtype", "")), rect)
