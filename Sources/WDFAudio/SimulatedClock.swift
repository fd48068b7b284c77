import Synchronization

/// A clock that moves only when told (`advance`): the engine's timers and a `NullSink` both
/// follow it, so a test plays minutes of audio in milliseconds and nothing depends on how busy
/// the machine is.
public final class SimulatedClock: EngineClock {
    private struct State {
        var time: Double
        var listeners: [@Sendable () -> Void] = []
    }

    private let state: Mutex<State>

    public init(start: Double = 1000) {
        state = Mutex(State(time: start))
    }

    public func now() -> Double { state.withLock { $0.time } }

    /// Moves time forward by `seconds` (≥ 0) and tells every listener (outside the lock).
    public func advance(by seconds: Double) {
        precondition(seconds >= 0 && seconds.isFinite, "time only moves forward")
        let listeners = state.withLock { state in
            state.time += seconds
            return state.listeners
        }
        for listener in listeners { listener() }
    }

    /// `body` runs after every `advance` (a sink that frees room as time passes).
    public func whenAdvanced(_ body: @escaping @Sendable () -> Void) {
        state.withLock { $0.listeners.append(body) }
    }
}
