"""A grouped bar chart as a PNG, with the standard library only (zlib + struct), for report.py.

Neither gnuplot nor matplotlib is on the machine, and Debian's gnuplot-nox pulls in cairo, pango
and libgd while python3-matplotlib pulls in numpy and friends (~19 MB for matplotlib alone): too
much for one chart. So this draws rectangles into an RGB buffer and encodes it.

Labels are digits only (a 3x5 bitmap font, drawn 2x): group numbers under the bars and the
y-axis ticks. The markdown report carries the legend (which number is which workload, which
colour is which series).
"""
import struct
import zlib

# 3x5 glyphs, one string of 15 bits per character, row by row.
FONT = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
    "8": "111101111101111", "9": "111101111001111", ".": "000000000000010", "-": "000000111000000",
}
WHITE, BLACK, GREY, RED = (255, 255, 255), (0, 0, 0), (215, 215, 215), (200, 30, 30)
SERIES_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44)]


class Canvas:
    def __init__(self, width, height):
        self.width, self.height = width, height
        self.pixels = bytearray(WHITE * (width * height))

    def rect(self, x0, y0, x1, y1, colour):
        """Fills [x0, x1) x [y0, y1), clipped to the canvas."""
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        row = bytes(colour) * (x1 - x0)
        for y in range(y0, y1):
            start = (y * self.width + x0) * 3
            self.pixels[start:start + len(row)] = row

    def text(self, x, y, string, colour=BLACK, scale=2):
        """Draws string with its top-left corner at (x, y); unknown characters are blanks."""
        for char in string:
            bits = FONT.get(char, "0" * 15)
            for i, bit in enumerate(bits):
                if bit == "1":
                    px, py = x + (i % 3) * scale, y + (i // 3) * scale
                    self.rect(px, py, px + scale, py + scale, colour)
            x += 4 * scale

    def png(self):
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        stride = self.width * 3
        raw = b"".join(b"\0" + bytes(self.pixels[y * stride:(y + 1) * stride]) for y in range(self.height))
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)  # 8-bit RGB
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
                + chunk(b"IEND", b""))


def bar_chart(groups, series_count, y_max, reference=1.0):
    """PNG bytes of a grouped bar chart.

    groups: one list per group (numbered 1.. under the axis) of series_count entries, each None
    (not measured) or (value, low, high); low/high draw a min-max whisker when not None. Bars
    taller than y_max are clipped and marked with a red cap. A red line marks `reference`.
    """
    bar_w, gap, left, top, bottom, plot_h = 12, 14, 44, 10, 26, 240
    group_w = series_count * bar_w + gap
    canvas = Canvas(left + len(groups) * group_w + gap, top + plot_h + bottom)
    y_of = lambda v: top + plot_h - round(min(v, y_max) / y_max * plot_h)
    step = 0.5 if y_max <= 4 else 1.0
    tick = 0.0
    while tick <= y_max + 1e-9:
        y = y_of(tick)
        canvas.rect(left, y, canvas.width, y + 1, GREY)
        label = f"{tick:.1f}"
        canvas.text(left - 6 - 8 * len(label), y - 5, label)
        tick += step
    for g, entries in enumerate(groups):
        x = left + gap + g * group_w
        for s, entry in enumerate(entries):
            if entry is None:
                continue
            value, low, high = entry
            bx = x + s * bar_w
            canvas.rect(bx, y_of(value), bx + bar_w - 2, y_of(0), SERIES_COLOURS[s % len(SERIES_COLOURS)])
            if value > y_max:
                canvas.rect(bx, y_of(y_max), bx + bar_w - 2, y_of(y_max) + 3, RED)
            if low is not None and high is not None:
                mid = bx + bar_w // 2 - 1
                canvas.rect(mid, y_of(high), mid + 1, y_of(low) + 1, BLACK)
                canvas.rect(mid - 2, y_of(high), mid + 3, y_of(high) + 1, BLACK)
                canvas.rect(mid - 2, y_of(low), mid + 3, y_of(low) + 1, BLACK)
        label = str(g + 1)
        canvas.text(x + (series_count * bar_w - 8 * len(label)) // 2, top + plot_h + 8, label)
    y = y_of(reference)
    canvas.rect(left, y, canvas.width, y + 2, RED)
    canvas.rect(left - 1, top, left, top + plot_h + 1, BLACK)
    canvas.rect(left, top + plot_h, canvas.width, top + plot_h + 1, BLACK)
    return canvas.png()
