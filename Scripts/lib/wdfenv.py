"""A private PulseAudio (null sink kept running) and a wdfplayd on a temporary socket, for the
scripts in Scripts/ (soak, bad-audio). Every process started here is ended by pid on exit."""
import json, os, shutil, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def release_binaries(bin_dir=None):
    if bin_dir:
        return bin_dir
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"],
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


class Session:
    def __init__(self, bin_dir, name="wdf"):
        self.bin = bin_dir
        self.tmp = tempfile.mkdtemp(prefix=name + "-")
        os.chmod(self.tmp, 0o700)
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.tmp, HOME=self.tmp, XDG_STATE_HOME=self.tmp + "/state",
                        XDG_CONFIG_HOME=self.tmp + "/config")
        self.children = []
        # Process groups started here (a child that starts others, such as strace), killed whole.
        self.groups = []
        self.socket = self.tmp + "/control.sock"
        self.daemon = None
        self.stream = None
        self.ident = 0

    def __enter__(self):
        pulse = subprocess.Popen(["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n",
                                  "--load=module-null-sink sink_name=out", "--load=module-native-protocol-unix"],
                                 env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.children.append(pulse)
        self.wait_for(lambda: subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0,
                      "PulseAudio to start")
        # An idle null sink swallows the start of new streams; keep it busy with silence.
        self.children.append(subprocess.Popen(["pacat", "--raw", "--format=s16le", "--rate=44100", "--channels=2",
                                               "/dev/zero"], env=self.env, stdout=subprocess.DEVNULL))
        self.start_daemon()
        return self

    def start_daemon(self):
        self.daemon = subprocess.Popen([self.bin + "/wdfplayd", "--socket", self.socket], env=self.env,
                                       stdout=subprocess.DEVNULL, stderr=open(self.tmp + "/wdfplayd.log", "a"))
        self.children.append(self.daemon)
        self.wait_for(lambda: os.path.exists(self.socket), "wdfplayd to listen")
        self.connect()

    def connect(self, timeout=30):
        """A control connection; a reply that takes longer than `timeout` seconds raises."""
        conn = socket.socket(socket.AF_UNIX)
        conn.settimeout(timeout)
        conn.connect(self.socket)
        self.stream = conn.makefile("rwb")

    def start_group(self, argv, **kwargs):
        """Starts argv as the leader of a new process group, killed whole on exit."""
        p = subprocess.Popen(argv, start_new_session=True, stdout=subprocess.DEVNULL, **kwargs)
        self.children.append(p)
        self.groups.append(p.pid)
        return p

    def __exit__(self, *exc):
        for group in self.groups:
            try:
                os.killpg(group, 9)
            except ProcessLookupError:
                pass
        for p in reversed(self.children):
            if p.poll() is None:
                p.kill()
            p.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @staticmethod
    def wait_for(predicate, what, timeout=10):
        deadline = time.time() + timeout
        while not predicate():
            if time.time() > deadline:
                sys.exit(f"timed out waiting for {what}")
            time.sleep(0.02)

    def call(self, command, **arguments):
        self.ident += 1
        self.stream.write((json.dumps(dict(id=self.ident, command=command, **arguments)) + "\n").encode())
        self.stream.flush()
        while True:
            line = self.stream.readline()
            if not line:
                raise ConnectionError("wdfplayd closed the connection")
            reply = json.loads(line)
            if reply.get("id") == self.ident:
                return reply

    def alive(self):
        return self.daemon.poll() is None
