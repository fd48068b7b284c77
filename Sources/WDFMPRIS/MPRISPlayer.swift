/// The player behind the MPRIS service (the daemon's engine). Everything is called on the thread
/// that runs the service's poll loop, never from anywhere else.
public protocol MPRISPlayer: AnyObject {
    /// The properties as they are now (cheap: the engine keeps its last status from events).
    var mprisState: MPRISState { get }
    /// The heard position in seconds (MPRIS `Position`; read when a client asks and for `Seeked`).
    var mprisPosition: Double { get }
    /// Does it; throws `MPRISError.refused` with a sentence when it cannot (the caller gets it as
    /// a D-Bus error).
    func perform(_ command: MPRISCommand) throws(MPRISError)
}
