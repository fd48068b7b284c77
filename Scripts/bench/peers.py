"""The players under test and the sound server they play to, each started as our own child:
a private PulseAudio (or PipeWire with pipewire-pulse) with a null sink kept running, wdfplayd
(+ wdfplay / wdfctl), MPD (+ mpc), mpv (JSON IPC; socat as its command-line client) and mpg123."""
import hashlib, itertools, json, os, socket, subprocess

from procs import BenchError, adopt, ensure_alive, pids_with_argument, run, spawn, wait_for


NULL_SINK_CONF = """context.objects = [
  { factory = adapter
    args = { factory.name = support.null-audio-sink node.name = "out" media.class = Audio/Sink
             audio.position = [ FL FR ] monitor.channel-volumes = true object.linger = true } }
]
"""


class Pulse:
    """The sound server every player plays to, with a null sink 'out' kept RUNNING. kind
    "pulseaudio": a private PulseAudio. kind "pipewire": PipeWire, WirePlumber and pipewire-pulse
    (what desktops run now) on a session bus of their own (dbus-daemon on a socket in `tmp`; no
    systemd, no system bus), the null sink defined in a PipeWire config file. Either way clients
    reach it through XDG_RUNTIME_DIR (= `tmp`) and the PulseAudio protocol."""

    def __init__(self, env, tmp, kind="pulseaudio"):
        self.env, self.tmp, self.kind = env, tmp, kind
        log = open(os.path.join(tmp, f"{kind}.log"), "w")
        if kind == "pipewire":
            self.proc = self.start_pipewire(log)
        else:
            self.proc = spawn(["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--log-target=stderr",
                               "--load=module-null-sink sink_name=out",
                               "--load=module-native-protocol-unix"],
                              env=env, stderr=log, name="pulseaudio")
        wait_for(lambda: self.proc.poll() is not None or
                 subprocess.run(["pactl", "info"], env=env, capture_output=True, timeout=5).returncode == 0,
                 f"{kind} to accept connections", timeout=15)
        ensure_alive(self.proc)
        info = run(["pactl", "info"], env=env).stdout
        field = lambda key: next((l.split(":", 1)[1].strip() for l in info.splitlines() if l.startswith(key + ":")), "?")
        self.name = field("Server Name")
        self.label = self.name if "PipeWire" in self.name else f"PulseAudio {field('Server Version')}"
        if ("PipeWire" in self.name) != (kind == "pipewire"):
            raise BenchError(f"expected a {kind} server, but pactl info names {self.name!r}")
        run(["pactl", "set-default-sink", "out"], env=env)
        # An idle null sink swallows the first ~0.85 s of every new stream (the sink is woken by the
        # stream and its monitor delivers nothing meanwhile); a silent stream keeps it RUNNING.
        self.keepalive = spawn(["pacat", "--raw", "--format=s16le", "--rate=44100", "--channels=2", "/dev/zero"],
                               env=env, name="pacat")
        wait_for(lambda: "RUNNING" in self.sink_state(), "the null sink to be RUNNING", timeout=10)

    def start_pipewire(self, log):
        config = os.path.join(self.tmp, "pipewire-config")
        os.makedirs(os.path.join(config, "pipewire", "pipewire.conf.d"), exist_ok=True)
        with open(os.path.join(config, "pipewire", "pipewire.conf.d", "null-sink.conf"), "w") as f:
            f.write(NULL_SINK_CONF)
        bus = os.path.join(self.tmp, "bus")
        env = {k: v for k, v in self.env.items() if not k.startswith(("PULSE_", "PIPEWIRE_"))}
        env.update(XDG_CONFIG_HOME=config, DBUS_SESSION_BUS_ADDRESS="unix:path=" + bus)
        self.server_env = env
        self.bus = spawn(["dbus-daemon", "--session", "--nofork", "--nopidfile", "--address=unix:path=" + bus],
                         env=env, stderr=log, name="dbus-daemon")
        wait_for(lambda: self.bus.poll() is not None or os.path.exists(bus), "the session bus", timeout=10)
        ensure_alive(self.bus)
        self.pipewire = spawn(["pipewire"], env=env, stderr=log, name="pipewire")
        # pipewire-pulse started before pipewire answers cannot load its fallback-sink module.
        wait_for(lambda: self.pipewire.poll() is not None or
                 subprocess.run(["pw-cli", "info", "0"], env=env, capture_output=True, timeout=5).returncode == 0,
                 "pipewire to answer pw-cli", timeout=15)
        ensure_alive(self.pipewire)
        self.wireplumber = spawn(["wireplumber"], env=env, stderr=log, name="wireplumber")
        return spawn(["pipewire-pulse"], env=env, stderr=log, name="pipewire-pulse")

    def force_quantum(self, samples):
        """PipeWire: runs the graph at `samples` per cycle whatever the clients ask for
        (clock.force-quantum in the settings metadata; 0 lets the clients decide again)."""
        run(["pw-metadata", "-n", "settings", "0", "clock.force-quantum", str(samples)], env=self.server_env)

    def quantum(self):
        """PipeWire: (the default clock.quantum and clock.rate from `pw-metadata -n settings`, the
        quantum in effect now as pw-profiler measures the driver's period over about a second, in
        samples). None for PulseAudio."""
        if self.kind != "pipewire":
            return None
        text = run(["pw-metadata", "-n", "settings"], env=self.server_env).stdout
        settings = {}
        for line in text.splitlines():
            if "key:'" in line and "value:'" in line:
                settings[line.split("key:'")[1].split("'")[0]] = line.split("value:'")[1].split("'")[0]
        rate = int(settings.get("clock.rate", "48000"))
        folder = os.path.join(self.tmp, "pw-profiler")
        os.makedirs(folder, exist_ok=True)
        try:
            subprocess.run(["pw-profiler", "-o", "profile.log"], env=self.server_env, cwd=folder, timeout=1.5,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            pass        # it runs until stopped; the timeout is the measurement window
        periods = []
        try:
            with open(os.path.join(folder, "profile.log")) as f:
                for line in f:
                    fields = line.split()
                    if len(fields) > 3 and fields[3].isdigit():
                        periods.append(int(fields[3]))     # column 4: the driver's period, µs
        except FileNotFoundError:
            pass
        periods.sort()
        in_effect = round(periods[len(periods) // 2] * rate / 1e6) if periods else None
        return dict(default=int(settings.get("clock.quantum", "0")), rate=rate, in_effect=in_effect)

    def sink_state(self):
        r = subprocess.run(["pactl", "list", "short", "sinks"], env=self.env, capture_output=True, text=True, timeout=5)
        return " ".join(line for line in r.stdout.splitlines() if "\tout\t" in line or line.split("\t")[1:2] == ["out"])


class Wdf:
    """wdfplayd started directly on a temporary socket; wdfplay and wdfctl as whole processes."""

    def __init__(self, bin_dir, env, tmp, name="wdfplay"):
        """`name` other than "wdfplay": a second daemon with its own socket and state folder."""
        self.bin, self.env, self.tmp = bin_dir, env, tmp
        self.socket = os.path.join(tmp, name + ".sock")
        self.env = dict(env, WDFPLAY_SOCKET=self.socket)
        if name != "wdfplay":
            for key in ("XDG_STATE_HOME", "XDG_CONFIG_HOME"):
                self.env[key] = os.path.join(tmp, name, key.lower())
        self.log = open(os.path.join(tmp, name.replace("wdfplay", "wdfplayd") + ".log"), "a")
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

    def __init__(self, env, tmp, music_dir, name="mpd"):
        self.env = env
        self.dir = os.path.join(tmp, name)
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


class Mpv:
    """mpv as a player daemon: `mpv --no-video --ao=pulse --idle=yes --input-ipc-server=PATH`,
    controlled through its JSON IPC socket. mpv ships no command-line client; its manual sends
    commands with socat, so socat (one whole process per command) stands in for wdfctl and mpc."""

    ARGS = ["--no-config", "--no-video", "--ao=pulse", "--idle=yes", "--no-terminal"]

    def __init__(self, env, tmp, name="mpv", file=None, extra=()):
        """`file`: play it at once (`mpv ... FILE`), as a one-off player rather than a daemon;
        `extra`: more options (`--speed=1.5`, a script such as mpv-mpris)."""
        self.env, self.tmp = env, tmp
        self.socket = os.path.join(tmp, name + ".sock")
        self.requests = os.path.join(tmp, name + "-requests")
        os.makedirs(self.requests, exist_ok=True)
        self.ids = itertools.count(1)
        self.proc = spawn(["mpv", *self.ARGS, *extra, f"--input-ipc-server={self.socket}", *([file] if file else [])],
                          env=env, name=name,
                          stderr=open(os.path.join(tmp, name + ".log"), "w"))
        wait_for(lambda: self.proc.poll() is not None or os.path.exists(self.socket), "mpv to listen", 15)
        ensure_alive(self.proc)
        self.pid = self.proc.pid
        if file:
            wait_for(lambda: self.get("playback-time") is not None, f"mpv to play {os.path.basename(file)}", 10, 0.02)

    def argv(self, *command):
        """A whole process that sends one command and prints mpv's reply: socat reads the request
        from a file (the equivalent of `echo REQUEST | socat - UNIX-CONNECT:SOCKET`, without a
        shell or a pipe), and exits when mpv closes the connection after its reply."""
        line = json.dumps({"command": list(command)})
        path = os.path.join(self.requests, hashlib.sha1(line.encode()).hexdigest()[:16] + ".json")
        if not os.path.exists(path):
            with open(path, "w") as f:
                f.write(line + "\n")
        return ["socat", f"OPEN:{path},rdonly!!STDOUT", f"UNIX-CONNECT:{self.socket}"]

    def command(self, *command, timeout=5):
        """One command on a fresh connection; returns the reply's data (events are skipped)."""
        ensure_alive(self.proc)
        rid = next(self.ids)
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(timeout)
                s.connect(self.socket)
                f = s.makefile("rwb")
                f.write((json.dumps({"command": list(command), "request_id": rid}) + "\n").encode())
                f.flush()
                while True:
                    line = f.readline()
                    if not line:
                        raise BenchError(f"mpv closed the connection after {command!r}")
                    reply = json.loads(line)
                    if reply.get("request_id") == rid and "error" in reply:
                        if reply["error"] != "success":
                            raise BenchError(f"mpv refused {command!r}: {reply['error']}")
                        return reply.get("data")
        except (OSError, ValueError) as e:
            raise BenchError(f"mpv IPC ({self.socket}) {command!r}: {e}") from e

    def get(self, prop):
        try:
            return self.command("get_property", prop)
        except BenchError as e:
            if "property unavailable" in str(e):
                return None
            raise

    def play(self, path):
        self.command("set_property", "pause", False)
        self.command("loadfile", path, "replace")
        wait_for(lambda: self.get("playback-time") is not None and not self.get("idle-active"),
                 f"mpv to play {os.path.basename(path)}", 10, 0.02)

    def stop(self):
        self.command("stop")
        self.command("set_property", "pause", False)

    def position(self):
        return float(self.get("playback-time"))

    def state(self):
        if self.get("idle-active"):
            return "stopped"
        return "paused" if self.get("pause") else "playing"

    def wait_state(self, state, timeout=5):
        wait_for(lambda: self.state() == state, f"mpv to be {state}", timeout, 0.05)
