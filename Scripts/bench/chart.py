"""The chart of Scripts/bench-player: playback CPU per minute of audio and memory while playing,
per player and test episode (matplotlib, written as PNG)."""
import statistics

from media import MEDIA

PLAYERS = [("wdfplay", "wdfplay", "#1b7837"), ("mpg123", "mpg123 -o pulse", "#4575b4"),
           ("mpd", "MPD", "#d73027"), ("mpv", "mpv", "#f4a11d")]


def _stats(values):
    values = [v for v in values or [] if v is not None]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def draw(results, path, subtitle, rss_target=12.0):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    import numpy as np

    files = list(MEDIA)
    labels = [MEDIA[f]["label"].replace("VBR, no Xing", "VBR, no Xing header") + "\n(30 min episode)" for f in files]
    x = np.arange(len(files))
    width = 0.8 / len(PLAYERS)
    fig, (cpu, mem) = plt.subplots(1, 2, figsize=(13, 5.6), constrained_layout=True)

    # CPU: median bars, min-max whiskers, the decode-only floor as a black line per file
    top = 0.0
    for i, (key, label, color) in enumerate(PLAYERS):
        pos = x + (i - (len(PLAYERS) - 1) / 2) * width
        for j, f in enumerate(files):
            s = _stats(results.get(("cpu", f, key)))
            if s is None:
                continue
            med, lo, hi = s
            cpu.bar(pos[j], med, width * 0.92, color=color, label=label if j == 0 else None)
            cpu.errorbar(pos[j], med, yerr=[[med - lo], [hi - med]], color="black", capsize=3, lw=1)
            cpu.text(pos[j], hi, f"{med:.2f}", ha="center", va="bottom", fontsize=8)
            top = max(top, hi)
    for j, f in enumerate(files):
        s = _stats(results.get(("floor", f)))
        if s:
            cpu.hlines(s[0], x[j] - 0.42, x[j] + 0.42, colors="black", linestyles="dotted", lw=1.5,
                       label="decoding only (mpg123 -t)" if j == 0 else None)
    cpu.set_xticks(x, labels)
    cpu.set_ylabel("CPU-seconds per minute of audio played")
    cpu.set_title("Playback CPU (lower is better)")
    cpu.set_ylim(0, top * 1.45 if top else 1)        # room for the legend above the bars
    cpu.grid(axis="y", alpha=0.3)
    cpu.set_axisbelow(True)
    cpu.legend(loc="upper left", fontsize=9, frameon=False)

    # Memory: VmRSS median, split into RssAnon (solid) and RssFile (light), the 12 MiB target
    top = 0.0
    for i, (key, label, color) in enumerate(PLAYERS):
        pos = x + (i - (len(PLAYERS) - 1) / 2) * width
        for j, f in enumerate(files):
            rss = _stats(results.get(("rss", f, key)))
            anon = _stats(results.get(("anon", f, key)))
            if rss is None:
                continue
            a = anon[0] if anon else 0.0
            mem.bar(pos[j], a, width * 0.92, color=color)
            mem.bar(pos[j], max(0.0, rss[0] - a), width * 0.92, bottom=a, color=color, alpha=0.38)
            mem.text(pos[j], rss[0], f"{rss[0]:.1f}", ha="center", va="bottom", fontsize=8)
            top = max(top, rss[0])
    mem.axhline(rss_target, color="#1b7837", ls="--", lw=1)
    mem.set_xticks(x, labels)
    mem.set_ylabel("VmRSS while playing, MiB")
    mem.set_title("Memory while playing (lower is better)")
    mem.set_ylim(0, max(top, rss_target) * 1.6)
    mem.grid(axis="y", alpha=0.3)
    mem.set_axisbelow(True)
    handles = [Patch(color=c, label=l) for _, l, c in PLAYERS]
    handles += [Patch(facecolor="grey", label="solid: private memory (RssAnon)"),
                Patch(facecolor="grey", alpha=0.38, label="light: code and libraries (RssFile)"),
                Line2D([], [], color="#1b7837", ls="--", lw=1, label=f"wdfplay's target: ≤ {rss_target:g} MiB")]
    mem.legend(handles=handles, loc="upper left", fontsize=9, frameon=False, ncol=2)
    fig.suptitle("wdfplay beside mpg123, MPD and mpv: medians, whiskers min–max\n" + subtitle, fontsize=11)
    fig.savefig(path, dpi=100)
    plt.close(fig)
