"""The players under test and the sound server they play to, each started as our own child:
a private PulseAudio with a null sink kept running, wdfplayd (+ wdfplay / wdfctl), MPD (+ mpc),
and mpg123."""
import json, os, socket, subprocess

from procs import BenchError, adopt, ensure_alive, pids_with_argument, run, spawn, wait_for


class Pulse:
    def __init__(self, env, tmp):
        self.env = env
        self.proc = spawn(["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--log-target=stderr",
                           "--load=module-null-sink sink_name=out",
                           "--load=module-native-protocol-unix"],
                          env=env, stderr=open(os.path.join(tmp, "pulseaudio.log"), "w"), name="pulseaudio")
        wait_for(lambda: self.proc.poll() is not None or
                 subprocess.run(["pactl", "info"], env=env, capture_output=True, timeout=5).returncode == 0,
                 "PulseAudio to accept connections", timeout=15)
        ensure_alive(self.proc)
        run(["pactl", "set-default-sink", "out"], env=env)
        # An idle null sink swallows the first ~0.85 s of every new stream (the sink is woken by the
        # stream and its monitor delivers nothing meanwhile); a silent stream keeps it RUNNING.
        self.keepalive = spawn(["pacat", "--raw", "--format=s16le", "--rate=44100", "--channels=2", "/dev/zero"],
                               env=env, name="pacat")
        wait_for(lambda: "RUNNING" in self.sink_state(), "the null sink to be RUNNING", timeout=10)

    def sink_state(self):
        r = subprocess.run(["pactl", "list", "short", "sinks"], env=self.env, capture_output=True, text=True, timeout=5)
        return " ".join(line for line in r.stdout.splitlines() if "\tout\t" in line or line.split("\t")[1:2] == ["out"])


class Wdf:
    """wdfplayd started directly on a temporary socket; wdfplay and wdfctl as whole processes."""

    def __init__(self, bin_dir, env, tmp):
        self.bin, self.env, self.tmp = bin_dir, env, tmp
        self.socket = os.path.join(tmp, "wdfplay.sock")
        self.env = dict(env, WDFPLAY_SOCKET=self.socket)
        self.log = open(os.path.join(tmp, "wdfplayd.log"), "a")
        self.proc = spawn([self.tool("wdfplayd"), "--socket", self.socket], env=self.env, stderr=self.log,
                          name="wdfplayd")
        wait_for(lambda: self.proc.poll() is not None or os.path.exists(self.socket), "wdfplayd to listen", 10)
        ensure_alive(self.proc)
        self.pid = self.proc.pid

    def tool(self, name):
        return os.path.join(self.bin, name)

    def ctl_argv(self, *args):
        return [self.tool("wdfctl"), *args, "--socket", self.socket]

    def play_argv(self, path, *extra):
        return [self.tool("wdfplay"), path, "--restart", *extra, "--socket", self.socket]

    def check(self):
        ensure_alive(self.proc)
        stray = [p for p in pids_with_argument(self.socket) if p != self.pid]
        for p in stray:              # wdfplay auto-started a second daemon: ours had died
            adopt(p, "wdfplayd started by wdfplay")
        if stray:
            raise BenchError(f"a second wdfplayd appeared on {self.socket} (pids {stray})")

    def ctl(self, *args, timeout=10):
        self.check()
        return run(self.ctl_argv(*args), env=self.env, timeout=timeout, what="wdfctl " + " ".join(args))

    def play(self, path, *extra, timeout=15):
        self.check()
        return run(self.play_argv(path, *extra), env=self.env, timeout=timeout, what=f"wdfplay {os.path.basename(path)}")

    def status(self):
        return json.loads(self.ctl("status", "--json").stdout)

    def wait_state(self, state, timeout=5):
        wait_for(lambda: self.status().get("state") == state, f"wdfplayd to be {state}", timeout, 0.05)


class Mpd:
    """MPD with a minimal configuration in a temporary folder, on a Unix socket, output to PulseAudio."""

    def __init__(self, env, tmp, music_dir):
        self.env = env
        self.dir = os.path.join(tmp, "mpd")
        os.makedirs(os.path.join(self.dir, "playlists"), exist_ok=True)
        self.socket = os.path.join(self.dir, "socket")
        self.conf = os.path.join(self.dir, "mpd.conf")
        with open(self.conf, "w") as f:
            f.write(f"""music_directory    "{music_dir}"
playlist_directory "{self.dir}/playlists"
db_file            "{self.dir}/database"
pid_file           "{self.dir}/pid"
state_file         "{self.dir}/state"
log_file           "{self.dir}/log"
bind_to_address    "{self.socket}"
auto_update        "no"
zeroconf_enabled   "no"
audio_output {{
    type "pulse"
    name "p"
}}
""")
        self.proc = spawn(["mpd", "--no-daemon", self.conf], env=env, name="mpd",
                          stderr=open(os.path.join(self.dir, "stderr"), "w"))
        wait_for(lambda: self.proc.poll() is not None or os.path.exists(self.socket), "mpd to listen", 15)
        ensure_alive(self.proc)
        self.pid = self.proc.pid
        self.mpc("update", "--wait", timeout=60)

    def mpc_argv(self, *args):
        return ["mpc", "-q", "-h", self.socket, *args]

    def mpc(self, *args, timeout=10):
        ensure_alive(self.proc)
        return run(self.mpc_argv(*args), env=self.env, timeout=timeout, what="mpc " + " ".join(args))

    def load(self, relpath):
        self.mpc("clear")
        self.mpc("add", relpath)

    def command(self, line, timeout=5):
        """One MPD protocol command over the socket (for values mpc rounds, like elapsed)."""
        ensure_alive(self.proc)
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(timeout)
            s.connect(self.socket)
            f = s.makefile("rwb")
            f.readline()                                   # "OK MPD 0.23.x"
            f.write((line + "\n").encode())
            f.flush()
            result = {}
            while True:
                reply = f.readline().decode()
                if not reply:
                    raise BenchError(f"mpd closed the connection after {line!r}")
                if reply.startswith("OK"):
                    return result
                if reply.startswith("ACK"):
                    raise BenchError(f"mpd refused {line!r}: {reply.strip()}")
                key, _, value = reply.rstrip("\n").partition(": ")
                result[key] = value

    def status(self):
        return self.command("status")

    def wait_state(self, state, timeout=5):
        wait_for(lambda: self.status().get("state") == state, f"mpd to be {state}", timeout, 0.05)
