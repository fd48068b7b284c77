/// The two MPRIS 2.2 interfaces as wdfplay serves them: `org.mpris.MediaPlayer2` (no track list,
/// no fullscreen) and `org.mpris.MediaPlayer2.Player` (no `LoopStatus`, no `Shuffle`: both are
/// optional and a podcast player has neither). `Position` is never announced, as the spec says.
enum MPRISInterfaces {
    static func all(_ options: MPRISService.Options) -> [BusInterface] {
        [root(desktopEntry: options.desktopEntry != nil), player]
    }

    static func root(desktopEntry: Bool) -> BusInterface {
        var members: [BusInterface.Member] = [
            .method("Raise", signature: ""),
            .method("Quit", signature: ""),
            .property("CanQuit", signature: "b", writable: false, changes: .constant),
            .property("CanRaise", signature: "b", writable: false, changes: .constant),
            .property("HasTrackList", signature: "b", writable: false, changes: .constant),
            .property("Identity", signature: "s", writable: false, changes: .constant),
            .property("SupportedUriSchemes", signature: "as", writable: false, changes: .constant),
            .property("SupportedMimeTypes", signature: "as", writable: false, changes: .constant),
        ]
        if desktopEntry { members.append(.property("DesktopEntry", signature: "s", writable: false, changes: .constant)) }
        return BusInterface(name: MPRISService.rootInterface, members: members)
    }

    static let player = BusInterface(name: MPRISService.playerInterface, members: [
        .method("Next", signature: ""),
        .method("Previous", signature: ""),
        .method("Pause", signature: ""),
        .method("PlayPause", signature: ""),
        .method("Stop", signature: ""),
        .method("Play", signature: ""),
        .method("Seek", signature: "x", names: ["Offset"]),
        .method("SetPosition", signature: "ox", names: ["TrackId", "Position"]),
        .method("OpenUri", signature: "s", names: ["Uri"]),
        .signal("Seeked", signature: "x", names: ["Position"]),
        .property("PlaybackStatus", signature: "s", writable: false, changes: .emitted),
        .property("Rate", signature: "d", writable: true, changes: .emitted),
        .property("Metadata", signature: "a{sv}", writable: false, changes: .emitted),
        .property("Volume", signature: "d", writable: true, changes: .emitted),
        .property("Position", signature: "x", writable: false, changes: .silent),
        .property("MinimumRate", signature: "d", writable: false, changes: .emitted),
        .property("MaximumRate", signature: "d", writable: false, changes: .emitted),
        .property("CanGoNext", signature: "b", writable: false, changes: .emitted),
        .property("CanGoPrevious", signature: "b", writable: false, changes: .emitted),
        .property("CanPlay", signature: "b", writable: false, changes: .emitted),
        .property("CanPause", signature: "b", writable: false, changes: .emitted),
        .property("CanSeek", signature: "b", writable: false, changes: .emitted),
        .property("CanControl", signature: "b", writable: false, changes: .constant),
    ])
}
