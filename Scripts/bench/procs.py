"""Child processes for Scripts/bench-player: every process started here is registered by pid and
ended on exit (normal exit, exception, SIGINT, SIGTERM or SIGHUP), and every wait has a timeout."""
import os, signal, subprocess, sys, time

_children = []          # Popen objects, in start order
_extra_pids = []        # (pid, description) of processes we caused to exist but did not spawn directly


def log(message):
    """Progress goes to stderr (stdout carries only the final table)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    """A failure with a sentence that says what went wrong; printed without a traceback."""


def spawn(argv, *, env, name=None, stdout=subprocess.DEVNULL, stderr=None, stdin=subprocess.DEVNULL, cwd=None):
    """Starts a background child we own; it is ended at exit."""
    try:
        p = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr if stderr is not None else subprocess.DEVNULL,
                             stdin=stdin, cwd=cwd)
    except OSError as e:
        raise BenchError(f"cannot start {argv[0]}: {e}") from e
    p.bench_name = name or os.path.basename(argv[0])
    _children.append(p)
    return p


def adopt(pid, description):
    """A process started on our behalf by another program (ended at exit, by pid)."""
    _extra_pids.append((pid, description))


def stop(p, timeout=3.0):
    """SIGTERM, then SIGKILL after `timeout`; always reaps."""
    if p.poll() is None:
        try:
            p.terminate()
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)
    if p in _children:
        _children.remove(p)


def cleanup():
    for p in reversed(list(_children)):
        try:
            stop(p)
        except Exception as e:  # keep going: every child must be tried
            print(f"[bench] could not stop {getattr(p, 'bench_name', p.args)} (pid {p.pid}): {e}", file=sys.stderr)
    for pid, what in _extra_pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)
        else:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    _extra_pids.clear()


def install_signal_handlers():
    def handler(signum, _frame):
        raise SystemExit(128 + signum)   # unwinds through `finally: cleanup()`
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, handler)


def run(argv, *, env, timeout=30, check=True, what=None, capture=True):
    """Runs a command to completion with a timeout; returns CompletedProcess."""
    try:
        r = subprocess.run(argv, env=env, timeout=timeout, stdin=subprocess.DEVNULL,
                           capture_output=capture, text=True)
    except subprocess.TimeoutExpired as e:
        raise BenchError(f"{what or ' '.join(argv)} did not finish within {timeout} s") from e
    except OSError as e:
        raise BenchError(f"cannot run {argv[0]}: {e}") from e
    if check and r.returncode != 0:
        detail = (r.stderr or r.stdout or "").strip().splitlines()
        raise BenchError(f"{what or ' '.join(argv)} failed (exit {r.returncode})"
                         + (f": {detail[-1]}" if detail else ""))
    return r


def wait_for(predicate, what, timeout=10.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def ensure_alive(p):
    if p.poll() is not None:
        raise BenchError(f"{p.bench_name} (pid {p.pid}) exited unexpectedly with status {p.returncode}")


# ---- /proc readers ---------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of the whole process (all threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK   # fields 14 and 15 of proc(5)


def runtime_seconds(pid):
    """CPU time of every live thread (sum_exec_runtime from /proc/PID/task/*/schedstat, ns
    resolution) and the set of thread ids: a thread that ended takes its time with it, so a
    caller compares the sets."""
    total, tids = 0, set()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
            tids.add(tid)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / 1e9, tids


class LoadMonitor:
    """The whole machine's busy share (all CPUs, from /proc/stat), sampled by a thread, so the
    report can say how quiet the machine was while each row ran (the benchmark's own processes
    included)."""

    def __init__(self, interval=0.5):
        import threading
        self.samples = []      # (monotonic time, busy jiffies, total jiffies)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self.thread.start()

    @staticmethod
    def read():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return time.monotonic(), sum(v[:8]) - idle, sum(v[:8])

    def _run(self, interval):
        while not self.stop_event.is_set():
            self.samples.append(self.read())
            self.stop_event.wait(interval)

    def busy_between(self, t0, t1):
        """Busy share (0-1 of all CPUs) between monotonic times t0 and t1."""
        inside = [s for s in self.samples if t0 <= s[0] <= t1]
        if len(inside) < 2:
            return None
        (_, b0, a0), (_, b1, a1) = inside[0], inside[-1]
        return (b1 - b0) / max(1, a1 - a0)

    def busy_seconds_between(self, t0, t1):
        """CPU seconds (all CPUs together) the machine was busy between monotonic times t0 and t1."""
        inside = [s for s in self.samples if t0 <= s[0] <= t1]
        if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
            return None
        # scaled from the samples' span to the whole interval
        return (inside[-1][1] - inside[0][1]) / CLK_TCK * (t1 - t0) / (inside[-1][0] - inside[0][0])

    def close(self):
        self.stop_event.set()


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise BenchError(f"/proc/{pid}/status has no {key}")


def reset_peak_rss(pid):
    """Resets VmHWM to the current RSS (proc(5): writing 5 to clear_refs)."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def context_switches(pid):
    """Voluntary + non-voluntary context switches summed over every thread; and the thread count."""
    total, threads = 0, 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        total += int(line.split()[1])
            threads += 1
        except FileNotFoundError:      # a thread that ended while we read
            pass
    return total, threads


def pids_with_argument(text):
    """Pids whose command line contains `text` (used to find a daemon started on our socket)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    found.append(int(entry))
        except OSError:
            pass
    return found
