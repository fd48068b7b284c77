"""The test episodes for Scripts/bench-player: three 30-minute podcast-like MP3s generated once
(sox piped into lame) and cached, plus a check of their MP3 frames (bitrates, Xing/Info frame)."""
import os, subprocess

from procs import BenchError, log

SPEECH = ["synth", "{s}", "sine", "{sweep}", "synth", "{s}", "pinknoise", "mix", "tremolo", "3.5", "90"]
# A "music" break: white noise with a sweeping tone, the right channel 13 ms behind the left, so
# joint stereo cannot fold it into one channel and lame spends about 120 kbps on it.
MUSIC = ["synth", "{s}", "whitenoise", "synth", "{s}", "sine", "mix", "220-880", "channels", "2",
         "delay", "0", "0.013"]
# intro, two mid-roll breaks, outro: 4 min of music-like sound, 26 min of speech-like sound. Each
# speech part sweeps differently: most of the sound is the sweep, and a deep seek must not match
# the same offset in another part.
VBR_PLAN = [("music", 60, None), ("speech", 420, "300-3000"), ("music", 60, None), ("speech", 420, "3000-300"),
            ("music", 60, None), ("speech", 720, "400-2400"), ("music", 60, None)]

MEDIA = {
    # name: how it is made, the table's label, the doc's description, minutes of audio
    "podcast-128k-stereo.mp3": dict(fmt=["-r", "44100", "-c", "2"], lame=["-b", "128"], label="128 kbps stereo",
                                    desc="30 min, 44.1 kHz stereo, CBR 128 kbps", minutes=30),
    "podcast-64k-mono.mp3": dict(fmt=["-r", "22050", "-c", "1"], lame=["-b", "64", "-m", "m"], label="64 kbps mono",
                                 desc="30 min, 22.05 kHz mono, CBR 64 kbps", minutes=30),
    "podcast-vbr-noxing.mp3": dict(fmt=["-r", "44100", "-c", "2"], lame=["-V", "5", "-t"], plan=VBR_PLAN,
                                   label="VBR, no Xing", minutes=30,
                                   desc="30 min, 44.1 kHz stereo, VBR (`lame -V 5 -t`: no Xing/Info frame, so no "
                                        "seek table, frame count or gapless information) with 1-minute music-like "
                                        "breaks (intro, two mid-rolls, outro) at about 120 kbps between speech-like "
                                        "parts at about 68 kbps"),
}
LONG_VBR = "podcast-vbr-noxing.mp3"


def _sox_segment(fmt, kind, seconds, sweep=None):
    # sox seeds its noise from the clock (no -R): segments of the same kind must differ, or a deep
    # seek could not be told from a seek to the same offset in an earlier segment
    body = [a.replace("{s}", str(seconds)).replace("{sweep}", sweep or "300-3000")
            for a in (SPEECH if kind == "speech" else MUSIC)]
    return ["sox", "-n", *fmt, "-b", "16", "-e", "signed-integer", "-t", "raw", "-", *body,
            "gain", "-n", "-6" if kind == "speech" else "-8"]


def _recipe(m):
    """What a cached file was made from: a file made by another recipe is made again."""
    import hashlib, json
    plan = m.get("plan", [("speech", int(m["minutes"] * 60), None)])
    text = json.dumps([m["lame"], [_sox_segment(m["fmt"], *p) for p in plan]])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_media(cache, root):
    """30 minutes of speech-like sound: a slow 300-3000 Hz sweep mixed with pink noise, with a
    3.5 Hz syllable-rate tremolo (the VBR file adds music-like breaks). Generated once."""
    os.makedirs(cache, exist_ok=True)
    for name, m in MEDIA.items():
        path = os.path.join(cache, name)
        recipe = _recipe(m)
        try:
            with open(path + ".recipe") as f:
                made_by = f.read().strip()
        except OSError:
            made_by = None
        if os.path.exists(path) and made_by == recipe:
            continue
        for stale in (path, path + ".ref.s16"):
            if os.path.exists(stale):
                os.remove(stale)
        log(f"generating {name} (once; cached in {os.path.relpath(cache, root)})")
        rate, channels = m["fmt"][1], m["fmt"][3]
        plan = m.get("plan", [("speech", int(m["minutes"] * 60), None)])
        lame = subprocess.Popen(["lame", "--quiet", "--noreplaygain", "-r", "-s", str(int(rate) / 1000), "--bitwidth",
                                 "16", "--signed", "--little-endian", "-m", "m" if channels == "1" else "j",
                                 *m["lame"], "-", path + ".tmp"], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            for kind, seconds, sweep in plan:
                r = subprocess.run(_sox_segment(m["fmt"], kind, seconds, sweep), stdout=lame.stdin,
                                   stderr=subprocess.PIPE, timeout=300)
                if r.returncode != 0:
                    raise BenchError(f"could not generate {name}: sox: {r.stderr.decode(errors='replace').strip()}")
        finally:
            lame.stdin.close()
            err = lame.stderr.read().decode(errors="replace")
            lame.wait(300)
        if lame.returncode != 0:
            raise BenchError(f"could not generate {name}: lame: {err.strip()}")
        os.replace(path + ".tmp", path)
        with open(path + ".recipe", "w") as f:
            f.write(recipe + "\n")
    info = frame_stats(os.path.join(cache, LONG_VBR))
    if info["xing"]:
        raise BenchError(f"{LONG_VBR} has a Xing/Info frame; delete it from {cache} to regenerate it")
    return info


_BITRATES = {True: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
             False: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]}


def frame_stats(path):
    """Walks the MPEG audio frames (Layer III) of a file: frame count, seconds, bitrates (kbps:
    first frame, average, min, max) and whether the first frame is a Xing/Info frame."""
    with open(path, "rb") as f:
        d = f.read()
    i = 0
    if d[:3] == b"ID3":
        i = 10 + ((d[6] & 0x7f) << 21 | (d[7] & 0x7f) << 14 | (d[8] & 0x7f) << 7 | (d[9] & 0x7f))
    frames, seconds, bits, rates, xing = 0, 0.0, 0, [], False
    while i + 4 <= len(d):
        h = int.from_bytes(d[i:i + 4], "big")
        version, layer, bri, sri = (h >> 19) & 3, (h >> 17) & 3, (h >> 12) & 15, (h >> 10) & 3
        if h >> 21 != 0x7ff or version == 1 or layer != 1 or bri in (0, 15) or sri == 3:
            i += 1
            continue
        mpeg1 = version == 3
        sample_rate = [44100, 48000, 32000][sri] >> (0 if mpeg1 else 1 if version == 2 else 2)
        kbps = _BITRATES[mpeg1][bri]
        size = (144 if mpeg1 else 72) * kbps * 1000 // sample_rate + ((h >> 9) & 1)
        if frames == 0 and (b"Xing" in d[i:i + 64] or b"Info" in d[i:i + 64]):
            xing = True
        frames += 1
        seconds += (1152 if mpeg1 else 576) / sample_rate
        bits += size * 8
        rates.append(kbps)
        i += size
    if not frames:
        raise BenchError(f"{path}: no MPEG audio frames")
    return dict(frames=frames, seconds=seconds, first_kbps=rates[0], avg_kbps=bits / seconds / 1000,
                min_kbps=min(rates), max_kbps=max(rates), xing=xing)
