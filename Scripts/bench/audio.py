"""What the null sink plays, recorded from its monitor, and the analyses the benchmark needs:
first silence, first sound, first window where a tone dominates, and where a stretch of the
recording sits in a reference decode of the file (sample-exact seek accuracy)."""
import os, subprocess, threading, time
import numpy as np

from procs import BenchError, spawn, stop

RATE = 44100
FULL = 32768.0


class Recorder:
    """`parec` from out.monitor (mono s16le 44.1 kHz, 5 ms latency) read by a thread that notes
    when each chunk arrived. Sample k was rendered at about offset + k / RATE, where the offset is
    the smallest (arrival - samples so far / RATE) seen near k: the null sink renders on the
    monotonic clock, so the earliest-arriving chunk bounds the delivery delay. It renders each
    block one sink latency (~5 ms with this recorder attached) before the block's play time,
    which is added back: times are on the sink's play clock, within about +-5 ms."""

    def __init__(self, env, device="out.monitor"):
        self.proc = spawn(["parec", "-d", device, "--raw", "--format=s16le", "--rate=44100", "--channels=1",
                           "--latency-msec=5"], env=env, stdout=subprocess.PIPE, name="parec")
        self.buf = bytearray()
        self.marks = []          # (arrival perf_counter, samples received so far)
        self.lock = threading.Lock()
        self.error = None
        self.env = env
        self.latency = 0.0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 5
        while self.samples_so_far() < RATE // 10:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise BenchError("parec delivered no audio from out.monitor within 5 s")
            time.sleep(0.01)
        self.latency = self.sink_latency()

    def _read(self):
        fd = self.proc.stdout.fileno()
        pending = b""
        try:
            while True:
                data = os.read(fd, 8192)
                now = time.perf_counter()
                if not data:
                    break
                data = pending + data
                usable = len(data) & ~1
                pending = data[usable:]
                with self.lock:
                    self.buf += data[:usable]
                    self.marks.append((now, len(self.buf) // 2))
        except OSError as e:
            self.error = e

    def close(self):
        stop(self.proc)

    def sink_latency(self, sink="out"):
        """The null sink's configured latency, s: it renders (and its monitor delivers) each block
        that long before the block's play time, so that much is added to arrival-based times."""
        r = subprocess.run(["pactl", "list", "sinks"], env=self.env, capture_output=True, text=True, timeout=5)
        current = None
        for line in r.stdout.splitlines():
            line = line.strip()
            if line.startswith("Name:"):
                current = line.split(":", 1)[1].strip()
            elif current == sink and line.startswith("Latency:") and "configured" in line:
                return int(line.split("configured")[1].split()[0]) / 1e6
        raise BenchError(f"cannot read the configured latency of sink {sink} from pactl list sinks")

    def samples_so_far(self):
        with self.lock:
            return len(self.buf) // 2

    def index_at(self, t):
        """The sample index played at perf_counter time t."""
        return int(round((t - self.latency - self._offset_near_time(t)) * RATE))

    def time_of(self, index):
        return self._offset_near_index(index) + index / RATE + self.latency

    def _marks(self):
        with self.lock:
            return np.array(self.marks, dtype=np.float64)

    def _offset_near_index(self, index, span=3 * RATE):
        m = self._marks()
        sel = m[np.abs(m[:, 1] - index) <= span]
        if len(sel) == 0:
            sel = m
        return float(np.min(sel[:, 0] - sel[:, 1] / RATE))

    def _offset_near_time(self, t, span=3.0):
        m = self._marks()
        sel = m[np.abs(m[:, 0] - t) <= span]
        if len(sel) == 0:
            sel = m
        return float(np.min(sel[:, 0] - sel[:, 1] / RATE))

    def wait_until_index(self, index, timeout=5.0):
        deadline = time.monotonic() + timeout
        while self.samples_so_far() < index:
            if self.proc.poll() is not None:
                raise BenchError("parec stopped recording")
            if time.monotonic() > deadline:
                raise BenchError(f"the recording did not reach sample {index} within {timeout:g} s")
            time.sleep(0.005)

    def wait_seconds_after(self, t, seconds, timeout=None):
        """Waits until the recording covers [t, t + seconds]."""
        target = int((t + seconds - self._offset_near_time(t)) * RATE)
        self.wait_until_index(target, timeout or seconds + 5)
        return target

    def samples(self, start, end):
        start = max(0, start)
        with self.lock:
            raw = bytes(self.buf[2 * start:2 * end])
        return np.frombuffer(raw, dtype="<i2").astype(np.float64) / FULL

    # ---- analyses (each returns a sample index or None) --------------------------------------

    def first_silence(self, start, end, window=882, threshold=1e-3):
        """First index i >= start where `window` samples (20 ms) in a row are all below threshold."""
        x = self.samples(start, end)
        loud = np.abs(x) > threshold
        run = 0
        for i, is_loud in enumerate(loud):         # the arrays are short (a few seconds)
            run = 0 if is_loud else run + 1
            if run >= window:
                return start + i - window + 1
        return None

    def first_sound(self, start, end, threshold=0.01, hold=441):
        """First index with |x| > threshold that is followed by sound for `hold` samples (10 ms)."""
        x = self.samples(start, end)
        loud = np.abs(x) > threshold
        idx = np.flatnonzero(loud)
        for i in idx:
            seg = loud[i:i + hold]
            if len(seg) == hold and seg.reshape(-1, 49).any(axis=1).all():   # no 1.1 ms gap
                return start + int(i)
        return None

    def first_tone(self, start, end, freq, window=882, hop=44, tolerance=30.0, hold=3):
        """Centre of the first 20 ms window (1 ms hop) whose strongest frequency is within
        `tolerance` Hz of `freq`, for `hold` windows in a row."""
        x = self.samples(start, end)
        if len(x) < window:
            return None
        hann = np.hanning(window)
        freqs = np.fft.rfftfreq(4 * window, 1 / RATE)
        ok_run = 0
        for pos in range(0, len(x) - window, hop):
            seg = x[pos:pos + window]
            if np.max(np.abs(seg)) < 0.02:
                ok_run = 0
                continue
            spectrum = np.abs(np.fft.rfft(seg * hann, 4 * window))
            peak = freqs[int(np.argmax(spectrum))]
            if abs(peak - freq) <= tolerance:
                ok_run += 1
                if ok_run >= hold:
                    return start + pos - (hold - 1) * hop + window // 2
            else:
                ok_run = 0
        return None


def decode_reference(path, out_raw, env, mapped=False):
    """The file decoded by mpg123 to mono s16le at 44.1 kHz (the reference timeline), cached in
    `out_raw`. `mapped`: a PCM view of the file on disk instead of an array in memory (for a
    30-minute file)."""
    if not os.path.exists(out_raw):
        with open(out_raw + ".tmp", "wb") as out:
            r = subprocess.run(["mpg123", "-q", "-m", "-r", "44100", "-e", "s16", "-s", path], env=env,
                               stdout=out, stderr=subprocess.PIPE, timeout=300)
        if r.returncode != 0:
            raise BenchError(f"mpg123 could not decode {path}: {r.stderr.decode(errors='replace').strip()}")
        os.replace(out_raw + ".tmp", out_raw)
    if mapped:
        return PCM(np.memmap(out_raw, dtype="<i2", mode="r"))
    return np.fromfile(out_raw, dtype="<i2").astype(np.float64) / FULL


class PCM:
    """s16 samples on disk read as floats in [-1, 1): indexing and slicing like an array."""

    def __init__(self, raw):
        self.raw = raw

    def __len__(self):
        return len(self.raw)

    def __getitem__(self, k):
        v = self.raw[k]
        if isinstance(v, np.ndarray):
            return v.astype(np.float64) / FULL
        return float(v) / FULL


class Locator:
    """Finds roughly (to a few ms) where a stretch of recording sits in a long reference: both are
    averaged over blocks of `factor` samples and compared by normalised cross-correlation over the
    whole file (its FFT computed once). Lets the sample-exact search work in a short window."""

    def __init__(self, ref, factor=16, chunk=1 << 22):
        self.factor = factor
        n = len(ref) // factor * factor
        parts = [np.asarray(ref.raw[i:min(n, i + chunk)], dtype=np.float64).reshape(-1, factor).mean(axis=1)
                 for i in range(0, n, chunk)]
        self.dec = np.concatenate(parts) / FULL
        self.size = 1 << (len(self.dec) + 2 * RATE // factor).bit_length()
        self.spectrum = np.fft.rfft(self.dec, self.size)
        c = np.concatenate(([0.0], np.cumsum(self.dec * self.dec)))
        self.energy = c

    def locate(self, x):
        """Reference index of x[0], the match's score (0-1) and the best score farther than 1 s
        away (a clear match has a high first and a low second); None if x is too short or silent."""
        f = self.factor
        x = np.asarray(x[:len(x) // f * f], dtype=np.float64).reshape(-1, f).mean(axis=1)
        n = len(x)
        if n < 100 or float(np.sum(x * x)) < 1e-9:
            return None
        corr = np.fft.irfft(self.spectrum * np.conj(np.fft.rfft(x, self.size)), self.size)[:len(self.dec) - n + 1]
        energy = self.energy[n:] - self.energy[:-n]
        scores = corr / (np.sqrt(np.maximum(energy, 1e-12)) * np.sqrt(np.sum(x * x)))
        best = int(np.argmax(scores))
        away = np.abs(np.arange(len(scores)) - best) > RATE // f
        second = float(np.max(scores[away])) if away.any() else 0.0
        return best * f, float(scores[best]), second


def _ncc(needle, hay):
    """Normalised cross-correlation of needle against every position of hay (FFT)."""
    n = len(needle)
    size = 1 << (len(hay) + n).bit_length()
    corr = np.fft.irfft(np.fft.rfft(hay, size) * np.conj(np.fft.rfft(needle, size)), size)[:len(hay) - n + 1]
    c = np.concatenate(([0.0], np.cumsum(hay * hay)))
    energy = c[n:] - c[:-n]
    return corr / (np.sqrt(np.maximum(energy, 1e-12)) * np.sqrt(np.sum(needle * needle)))


def _gain(a, b):
    return float(np.dot(a, b) / max(np.dot(b, b), 1e-12))


def _matches(a, b):
    """True when block a is block b (already scaled) up to decoder and mixing noise."""
    signal = float(np.sum(b * b))
    return signal > 1e-9 and float(np.sum((a - b) ** 2)) <= 0.05 * signal


def _peaks(scores, count=50):
    """Indices of the `count` highest local maxima of scores."""
    inner = (scores[1:-1] >= scores[:-2]) & (scores[1:-1] >= scores[2:])
    idx = np.flatnonzero(inner) + 1
    return idx[np.argsort(scores[idx])[::-1][:count]]


class SeekResult:
    def __init__(self, change, first, landed, note=None):
        self.change = change      # index in the recording where the old audio stops
        self.first = first        # index of the first sound of the new audio
        self.landed = landed      # reference index (sample of the file) heard at `first`
        self.note = note


def seek_landing(x, ref, command, before, window=RATE * 2 // 5, block=44, search=None):
    """Where a seek landed, from a recording `x` that starts some 0.4 s before the seek command
    (at index `command`) while the player played the file near `before` (reference indices
    (lo, hi)). Sample-exact; returns a SeekResult, or a string saying why not, or None when the
    recording is too short to tell (pure tones repeat: we need a stretch that occurs once).

    1. The 250 ms before the command are found in the reference; walking forward from there
       while the recording still matches gives the change point (the last old sample + 1).
    2. From the first sound after it, `window` samples are searched in the whole reference; a
       match that also fits at a shift of whole tone periods is ambiguous (None: try longer).
    3. Walking back from there to the first sound gives the sample of the file heard first.
    `search` (lo, hi): look for the new audio only there (a long file; see Locator)."""
    s_lo, s_hi = (0, len(ref)) if search is None else (max(0, search[0]), min(len(ref), search[1]))
    hay = ref[s_lo:s_hi]
    pre_from, pre_to = command - int(0.3 * RATE), command - int(0.05 * RATE)
    if pre_from < 0:
        return "the recording does not reach back before the command"
    pre = x[pre_from:pre_to]
    lo, hi = max(0, before[0]), min(len(ref), before[1])
    scores = _ncc(pre, ref[lo:hi])
    lag = lo + int(np.argmax(scores))
    if scores[lag - lo] < 0.9:
        return f"what played before the seek is not in the file near {lo / RATE:.1f}-{hi / RATE:.1f} s"
    g = _gain(pre, ref[lag:lag + len(pre)])
    k, r = pre_to, lag + len(pre)
    while k + block <= len(x) and r + block <= len(ref) and _matches(x[k:k + block], ref[r:r + block] * g):
        k, r = k + block, r + block
    for _ in range(block):
        if k >= len(x) or r >= len(ref) or abs(x[k] - ref[r] * g) > 0.02 + 0.1 * abs(ref[r] * g):
            break
        k, r = k + 1, r + 1
    change = k
    loud = np.flatnonzero(np.abs(x[change:]) > 0.01)
    if len(loud) == 0:
        return None
    first = change + int(loud[0])
    # Some decoders garble the first frames after a seek (no bit reservoir yet): start the search
    # up to 0.5 s later if the beginning matches nothing.
    for skip in range(0, RATE // 2 + 1, RATE // 20):
        needle_at = first + block + skip
        available = len(x) - needle_at
        if available < window:
            return None
        found = None
        for length in [n for n in (window, 2 * window, 5 * window, 10 * window) if n < available] + [available]:
            needle = x[needle_at:needle_at + length]
            if length > len(hay):
                break
            scores = _ncc(needle, hay)
            peaks = _peaks(scores)
            if len(peaks) == 0:
                break
            best = int(peaks[0])
            if scores[best] < 0.9:
                break             # not in the file (yet): skip further
            rivals = [p for p in peaks[1:] if abs(int(p) - best) > 3 and scores[p] >= scores[best] - 0.003]
            if not rivals:
                found = best = best + s_lo
                break
        else:
            return None           # the new audio is one pure tone all along: a longer recording may tell
        if found is not None:
            break
    else:
        return "what played in the 0.5 s after the seek is not in the file"
    # Walk back from the needle to the first sound.
    g = _gain(needle, ref[best:best + length])
    k, r = needle_at, best
    while k - block >= first and r - block >= 0 and _matches(x[k - block:k], ref[r - block:r] * g):
        k, r = k - block, r - block
    for _ in range(block):
        if k - 1 < first or r - 1 < 0 or abs(x[k - 1] - ref[r - 1] * g) > 0.02 + 0.1 * abs(ref[r - 1] * g):
            break
        k, r = k - 1, r - 1
    note = None
    if k - first > block:
        note = (f"the first {1000 * (k - first) / RATE:.0f} ms of sound after the seek do not match the file "
                f"(position extrapolated back from where it does)")
    return SeekResult(change, first, r - (k - first), note)
