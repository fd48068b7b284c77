#!/usr/bin/env python3
"""ID3 helper used by Scripts/make-fixtures.

Needs mutagen (Debian: python3-mutagen, so run it with /usr/bin/python3).

Subcommands
-----------
write FILE [options]
    Replace the ID3v2 tag of FILE with a new one built from the options:
      --title T  --album A  --artist A  --track N  --date D  --comment C
      --chapter START_MS END_MS TITLE     (repeatable, in time order)
      --no-ctoc                            CHAP frames only, no CTOC
      --chap-order 3,1,6,2,...             physical order of the CHAP frames in
                                           the tag (1-based chapter numbers);
                                           the CTOC always lists time order
      --v23                                write ID3v2.3 instead of ID3v2.4
      --padding N                          bytes of padding (default 256)
    Chapters get element ids chp0, chp1, ... (in time order), byte offsets
    0xFFFFFFFF and one TIT2 sub-frame each.  The CTOC has element id "toc"
    and flags top-level + ordered.

dump FILE
    Print the ID3 version, the frames in their physical order in the file and
    the chapter list as resolved through the CTOC (if any).

freq WAV START_S DUR_S
    Print the dominant frequency (Hz, 1 Hz steps, searched in 50..4000 Hz)
    of the given window of a 16-bit PCM WAV file (channels are averaged).
"""

import argparse
import math
import struct
import sys
import wave

try:
    from mutagen.id3 import (ID3, ID3NoHeaderError, CHAP, CTOC, CTOCFlags,
                             TIT2, TALB, TPE1, TRCK, TDRC, COMM)
except ImportError:  # pragma: no cover
    sys.exit("tag_chapters.py: mutagen is missing "
             "(apt-get install python3-mutagen; use /usr/bin/python3)")

NO_OFFSET = 0xFFFFFFFF


# --------------------------------------------------------------------------
# raw tag access (mutagen sorts frames on save, so the physical CHAP order is
# fixed up afterwards by rewriting the frame sequence in place)

def _syncsafe(b):
    return (b[0] << 21) | (b[1] << 14) | (b[2] << 7) | b[3]


def _read_raw_frames(data):
    """Return (major_version, tag_end, [(frame_id, start, end)])."""
    if data[:3] != b"ID3":
        raise ValueError("no ID3v2 header")
    major, flags = data[3], data[5]
    size = _syncsafe(data[6:10])
    if flags & 0xC0:  # unsynchronisation / extended header: not produced here
        raise ValueError("unsupported ID3 header flags 0x%02x" % flags)
    pos, end = 10, 10 + size
    frames = []
    while pos + 10 <= end and data[pos] != 0:
        fid = data[pos:pos + 4].decode("latin-1")
        raw = data[pos + 4:pos + 8]
        fsize = _syncsafe(raw) if major == 4 else struct.unpack(">I", raw)[0]
        frames.append((fid, pos, pos + 10 + fsize))
        pos += 10 + fsize
    return major, end, frames


def _element_id(data, start):
    body = data[start + 10:]
    return body[:body.index(b"\0")].decode("latin-1")


def reorder_chap_frames(path, element_order):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    _, _, frames = _read_raw_frames(data)
    chaps = {_element_id(data, s): bytes(data[s:e])
             for fid, s, e in frames if fid == "CHAP"}
    if sorted(chaps) != sorted(element_order):
        raise ValueError("chap-order does not match the CHAP frames")
    queue = [chaps[eid] for eid in element_order]
    first, last = frames[0][1], frames[-1][2]
    out = bytearray()
    for fid, s, e in frames:
        out += queue.pop(0) if fid == "CHAP" else data[s:e]
    assert len(out) == last - first
    data[first:last] = out
    with open(path, "wb") as f:
        f.write(data)


# --------------------------------------------------------------------------

def cmd_write(a):
    try:
        ID3(a.file).delete(a.file)
    except ID3NoHeaderError:
        pass
    tag = ID3()
    if a.title is not None:
        tag.add(TIT2(encoding=3, text=[a.title]))
    if a.artist is not None:
        tag.add(TPE1(encoding=3, text=[a.artist]))
    if a.album is not None:
        tag.add(TALB(encoding=3, text=[a.album]))
    if a.track is not None:
        tag.add(TRCK(encoding=3, text=[a.track]))
    if a.date is not None:
        tag.add(TDRC(encoding=3, text=[a.date]))
    if a.comment is not None:
        tag.add(COMM(encoding=3, lang="eng", desc="", text=[a.comment]))

    ids = []
    prev_end = None
    for i, (start, end, title) in enumerate(a.chapter or []):
        start, end = int(start), int(end)
        if end <= start or (prev_end is not None and start != prev_end):
            sys.exit("chapter %d: bad boundaries %d..%d" % (i, start, end))
        prev_end = end
        eid = "chp%d" % i
        ids.append(eid)
        tag.add(CHAP(element_id=eid, start_time=start, end_time=end,
                     start_offset=NO_OFFSET, end_offset=NO_OFFSET,
                     sub_frames=[TIT2(encoding=3, text=[title])]))
    if ids and not a.no_ctoc:
        tag.add(CTOC(element_id="toc",
                     flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                     child_element_ids=ids, sub_frames=[]))

    version = 4
    if a.v23:
        tag.update_to_v23()
        version = 3
    tag.save(a.file, v1=0, v2_version=version, padding=lambda info: a.padding)

    if a.chap_order:
        order = [int(x) for x in a.chap_order.split(",")]
        reorder_chap_frames(a.file, ["chp%d" % (n - 1) for n in order])


def cmd_dump(a):
    try:
        tag = ID3(a.file)
    except ID3NoHeaderError:
        print("%s: no ID3v2 tag" % a.file)
        return
    with open(a.file, "rb") as f:
        data = f.read(tag.size)
    major, end, frames = _read_raw_frames(data)
    print("%s: ID3v2.%d, tag size %d bytes" % (a.file, major, end))
    print("  frames in file order:")
    for fid, s, e in frames:
        if fid in ("CHAP", "CTOC"):
            print("    %s %s" % (fid, _element_id(data, s)))
        else:
            print("    %s" % fid)
    print("  frames (mutagen):")
    for key in sorted(tag.keys()):
        frame = tag[key]
        if frame.FrameID == "CHAP":
            sub = "; ".join(str(f) for f in frame.sub_frames.values())
            print("    CHAP %s %d..%d ms offsets %08x/%08x [%s]" % (
                frame.element_id, frame.start_time, frame.end_time,
                frame.start_offset, frame.end_offset, sub))
        elif frame.FrameID == "CTOC":
            print("    CTOC %s flags=%d children=%s" % (
                frame.element_id, int(frame.flags),
                ",".join(frame.child_element_ids)))
        else:
            print("    %s = %r" % (key, frame.pprint()))
    chaps = {f.element_id: f for f in tag.getall("CHAP")}
    tocs = tag.getall("CTOC")
    if tocs:
        toc = tocs[0]
        print("  chapters via CTOC %s:" % toc.element_id)
        ordered = [chaps[c] for c in toc.child_element_ids if c in chaps]
    elif chaps:
        print("  chapters (no CTOC, sorted by start time):")
        ordered = sorted(chaps.values(), key=lambda c: c.start_time)
    else:
        ordered = []
    for c in ordered:
        t = c.sub_frames.get("TIT2")
        print("    %-5s %7d - %7d ms  %s" % (c.element_id, c.start_time,
                                              c.end_time, t.text[0] if t else ""))


def cmd_freq(a):
    with wave.open(a.wav, "rb") as w:
        rate, ch, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        if width != 2:
            sys.exit("freq: only 16-bit WAV supported")
        w.setpos(int(a.start * rate))
        raw = w.readframes(int(a.dur * rate))
    vals = struct.unpack("<%dh" % (len(raw) // 2), raw)
    x = [sum(vals[i:i + ch]) / ch for i in range(0, len(vals), ch)]
    n = len(x)
    # Hann window: no deep nulls between the coarse search steps
    x = [v * (0.5 - 0.5 * math.cos(2.0 * math.pi * i / (n - 1)))
         for i, v in enumerate(x)]

    def power(f):
        coeff = 2.0 * math.cos(2.0 * math.pi * f / rate)
        s1 = s2 = 0.0
        for v in x:
            s1, s2 = v + coeff * s1 - s2, s1
        return s1 * s1 + s2 * s2 - coeff * s1 * s2

    coarse = max(range(50, 4001, 5), key=power)
    best = max(range(coarse - 5, coarse + 6), key=power)
    print(best)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("file")
    w.add_argument("--title")
    w.add_argument("--album")
    w.add_argument("--artist")
    w.add_argument("--track")
    w.add_argument("--date")
    w.add_argument("--comment")
    w.add_argument("--chapter", nargs=3, action="append",
                   metavar=("START_MS", "END_MS", "TITLE"))
    w.add_argument("--no-ctoc", action="store_true")
    w.add_argument("--chap-order")
    w.add_argument("--v23", action="store_true")
    w.add_argument("--padding", type=int, default=256)
    w.set_defaults(func=cmd_write)
    d = sub.add_parser("dump")
    d.add_argument("file")
    d.set_defaults(func=cmd_dump)
    q = sub.add_parser("freq")
    q.add_argument("wav")
    q.add_argument("start", type=float)
    q.add_argument("dur", type=float)
    q.set_defaults(func=cmd_freq)
    a = p.parse_args()
    a.func(a)


if __name__ == "__main__":
    main()
