"""Writes draft.svg (next to this file): the word DRAFT as glyph outlines, no text, so the PDF
watermark is never copied with the text. Run once: python planhub/exports/typst/make_draft_svg.py"""

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

font = TTFont("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf")
gs = font.getGlyphSet()
cmap = font.getBestCmap()
upm = font["head"].unitsPerEm
x = 0
paths = []
bounds = BoundsPen(gs)
for ch in "DRAFT":
    name = cmap[ord(ch)]
    pen = SVGPathPen(gs)
    gs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, 0)))
    gs[name].draw(TransformPen(bounds, (1, 0, 0, -1, x, 0)))
    paths.append(pen.getCommands())
    x += gs[name].width
xmin, ymin, xmax, ymax = bounds.bounds
w, h = xmax - xmin, ymax - ymin
svg = (
    f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{xmin:.0f} {ymin:.0f} {w:.0f} {h:.0f}">'
    f'<path fill="#e4e4e4" d="{" ".join(paths)}"/></svg>\n'
)
with open(__file__.replace("make_draft_svg.py", "draft.svg"), "w") as out:
    out.write(svg)
print(len(svg), w, h)
